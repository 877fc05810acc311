using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>
/// Tests and reloads nginx's configuration, coalescing concurrent requests: a caller that arrives while a reload runs
/// waits for the next one (which will include its file), and every caller waiting for that next one shares it. Many
/// signups at once thus cost a few reloads, not one each.
/// </summary>
public sealed class NginxReloader(IOptions<RoutingOptions> options)
{
    readonly Lock _gate = new();
    Task _running = Task.CompletedTask;
    TaskCompletionSource? _next;

    public Task ReloadAsync()
    {
        lock (_gate)
        {
            if (_next is not null)
            {
                return _next.Task;
            }
            var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _next = next;
            _ = RunAfterAsync(_running, next);
            return next.Task;
        }
    }

    async Task RunAfterAsync(Task previous, TaskCompletionSource next)
    {
        try
        {
            await previous;
        }
        catch
        {
            // The previous reload's callers saw its failure; this one starts afresh.
        }
        lock (_gate)
        {
            _next = null;
            _running = next.Task;
        }
        try
        {
            var nginx = options.Value.Nginx;
            var prefix = Path.GetFullPath(nginx.Prefix);
            var config = Path.GetFullPath(nginx.ConfigFile);
            var master = NginxWorkers.Observable ? NginxWorkers.MasterPid(Path.Combine(prefix, nginx.PidFile)) : null;
            // The generation to wait out is the one accepting before the signal; read after it, it may hold the new one.
            var before = master is { } running ? NginxWorkers.Accepting(running) : [];
            if (master is { } pid && UnixSignals.Hangup(pid))
            {
                if (!await OldWorkersGoneAsync(pid, before, TimeSpan.FromSeconds(nginx.VerifyTimeoutSeconds)))
                {
                    // nginx keeps its old workers when it rejects a new configuration; its test names the broken file.
                    await RunAsync(nginx.Binary, ["-t", "-q", "-p", prefix, "-c", config]);
                    throw new NginxReloadException($"nginx did not take the new configuration within {nginx.VerifyTimeoutSeconds}s");
                }
            }
            else
            {
                // No pid or no /proc to watch: the portable way, then outlast nginx's ~100 ms hand-over.
                await RunAsync(nginx.Binary, ["-t", "-q", "-p", prefix, "-c", config]);
                await RunAsync(nginx.Binary, ["-p", prefix, "-c", config, "-s", "reload"]);
                await Task.Delay(200);
            }
            next.SetResult();
        }
        catch (Exception ex)
        {
            next.SetException(ex);
        }
    }

    /// <summary>The reload has taken once no worker from before it still accepts connections.</summary>
    static async Task<bool> OldWorkersGoneAsync(int master, HashSet<int> before, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (NginxWorkers.Accepting(master).Overlaps(before))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }

    static async Task RunAsync(string binary, string[] arguments)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new NginxReloadException($"nginx {string.Join(' ', arguments)} exited {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}".Trim());
        }
    }
}

public sealed class NginxReloadException(string message) : Exception(message);
