using System.Diagnostics;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>
/// One MechanicBuddy service as its own OS process, the way "up" runs it; its output goes straight to a log file under
/// var/test/log (no pipe through the test process, so a busy test host can never stall a service's logging).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(2) };
    readonly Process _process;
    IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();
    string _runId = "";

    public string Name { get; }
    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}");
    public string LogPath { get; }

    ServiceProcess(string name, int port, Process process, string logPath)
    {
        Name = name;
        Port = port;
        _process = process;
        LogPath = logPath;
    }

    public static ServiceProcess Start(string service, IReadOnlyDictionary<string, string> environment, string runId, int? port = null)
    {
        var listenPort = port ?? TestEnvironment.FreeTcpPort();
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "services", service, "bin", TestEnvironment.BuildConfiguration, "net10.0", $"MechanicBuddy.{service}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built; scripts/test.sh builds the solution first", dll);
        }
        var logDirectory = Path.Combine(TestEnvironment.VarDirectory, "log");
        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"e2e-{runId}-{service}.log");
        // exec: the shell becomes the service, so its pid is the service's and a kill reaches the service itself.
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = TestEnvironment.RepositoryRoot };
        foreach (var argument in new[] { "-c", "log=$1; shift; exec dotnet \"$@\" >>\"$log\" 2>&1", "service", logPath, dll, "--contentRoot", Path.GetDirectoryName(dll)!, "--urls", $"http://127.0.0.1:{listenPort}" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {service}");
        return new ServiceProcess(service, listenPort, process, logPath) { _environment = environment, _runId = runId };
    }

    public bool HasExited => _process.HasExited;

    /// <summary>kill -9, as a crash would end it.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
    }

    /// <summary>The same service again, on the same port with the same settings, appending to the same log.</summary>
    public async Task<ServiceProcess> RestartAsync()
    {
        await DisposeAsync();
        return Start(Name, _environment, _runId, Port);
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}; see {LogPath}:\n{Tail()}");
            }
            try
            {
                using var response = await Health.GetAsync(new Uri(Url, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} not ready within {timeout}; see {LogPath}:\n{Tail()}");
    }

    public string ReadLog()
    {
        if (!File.Exists(LogPath))
        {
            return "";
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    string Tail() => string.Join('\n', ReadLog().Split('\n').TakeLast(30));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
