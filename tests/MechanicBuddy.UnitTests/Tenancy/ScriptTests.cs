using System.Diagnostics;
using MechanicBuddy.UnitTests.DedicatedProvisioner;

namespace MechanicBuddy.UnitTests.Tenancy;

/// <summary>The project's shell scripts stop at the first failed step: a failed build never lets up, test or bench start old binaries.</summary>
public sealed class ScriptTests
{
    static readonly string Root = KubernetesPlatformTests.RepositoryRoot();

    static IEnumerable<string> Scripts() =>
        Directory.GetFiles(Path.Combine(Root, "scripts"), "*.sh").Append(Path.Combine(Root, "bench", "run.sh")).Append(Path.Combine(Root, ".ci", "run"));

    [Fact]
    public void Every_script_runs_with_errexit_nounset_and_pipefail_and_builds_only_through_build_sh()
    {
        foreach (var script in Scripts())
        {
            var lines = File.ReadAllLines(script);
            if (!lines[0].StartsWith("#!", StringComparison.Ordinal))
            {
                continue; // sourced by the scripts (machine-secrets.sh), under their settings
            }
            Assert.True(lines.Take(10).Contains("set -euo pipefail"), $"{script} does not set -euo pipefail near its top");
            var buildLines = lines.Where(l => l.Contains("dotnet build", StringComparison.Ordinal) && !l.TrimStart().StartsWith('#')).ToList();
            Assert.True(Path.GetFileName(script) == "build.sh" || buildLines.Count == 0, $"{script} builds by itself: {string.Join(" | ", buildLines)}");
        }
    }

    [Fact]
    public async Task A_failed_build_fails_build_sh_with_the_compilers_error()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the scripts are bash");
        }
        var bin = Directory.CreateTempSubdirectory("fake-dotnet-");
        try
        {
            var dotnet = Path.Combine(bin.FullName, "dotnet");
            await File.WriteAllTextAsync(dotnet, "#!/usr/bin/env bash\necho 'Shop.cs(1,15): error CS1513: } expected [Shop.csproj]'\nexit 1\n");
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var start = new ProcessStartInfo("bash", [Path.Combine(Root, "scripts", "build.sh")]) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.Environment["PATH"] = $"{bin.FullName}:{Environment.GetEnvironmentVariable("PATH")}";
            start.Environment["MB_VAR"] = bin.FullName;
            using var build = Process.Start(start)!;
            var errors = await build.StandardError.ReadToEndAsync();
            await build.WaitForExitAsync();

            Assert.Equal(1, build.ExitCode);
            Assert.Contains("error CS1513", errors, StringComparison.Ordinal);
            Assert.Contains("build failed", errors, StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }
}
