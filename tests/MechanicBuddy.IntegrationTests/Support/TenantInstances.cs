using System.Diagnostics;
using System.Text.Json;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>Reads and cleans up the single-host platform's tenant instances from outside the service, as an operator would.</summary>
public static class TenantInstances
{
    const string PgCtl = "/usr/lib/postgresql/15/bin/pg_ctl";

    public static string DirectoryOf(string instancesDirectory, string tenantId) => Path.Combine(instancesDirectory, $"tenant-{tenantId}");

    public static int? PortOf(string instancesDirectory, string tenantId)
    {
        var marker = Path.Combine(DirectoryOf(instancesDirectory, tenantId), "instance.json");
        return File.Exists(marker) ? JsonDocument.Parse(File.ReadAllText(marker)).RootElement.GetProperty("Port").GetInt32() : null;
    }

    /// <summary>Stops whatever instance a failed test left running, and deletes the directory.</summary>
    public static async Task StopAndDeleteAllAsync(string instancesDirectory)
    {
        if (!Directory.Exists(instancesDirectory))
        {
            return;
        }
        foreach (var data in Directory.EnumerateDirectories(instancesDirectory, "tenant-*").Select(d => Path.Combine(d, "data")))
        {
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                var start = Environment.UserName == "root"
                    ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", PgCtl, "-D", data, "-m", "immediate", "stop"])
                    : new ProcessStartInfo(PgCtl, ["-D", data, "-m", "immediate", "stop"]);
                start.RedirectStandardOutput = start.RedirectStandardError = true;
                using var process = Process.Start(start)!;
                await process.WaitForExitAsync();
            }
        }
        Directory.Delete(instancesDirectory, recursive: true);
    }
}
