using System.Diagnostics;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>Runs the built <c>mb</c> command line as an operator would, with its own config file; returns exit code and output.</summary>
public sealed class MbCli(Uri gateway)
{
    public string ConfigFile { get; } = Path.Combine(TestEnvironment.VarDirectory, $"mb-{Guid.NewGuid():N}.json");

    public async Task<(int Exit, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "tools", "MechanicBuddy.Cli", "bin", TestEnvironment.BuildConfiguration, "net10.0", "mb.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built; scripts/test.sh builds the solution first", dll);
        }
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["MB_CONFIG"] = ConfigFile;
        start.Environment["MB_GATEWAY"] = gateway.ToString();
        start.Environment.Remove("MB_TOKEN");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
