namespace MechanicBuddy.SharedTierProvisioner.Infrastructure.Routing.Nginx;

/// <summary>
/// The nginx master's accepting workers, read from /proc. After a reload nginx starts new workers and only ~100 ms
/// later tells the old ones to quit; until then both generations take new connections, so "reloaded" means "none of
/// the workers from before the reload is still accepting".
/// </summary>
public static class NginxWorkers
{
    public static bool Observable => Directory.Exists("/proc/self");

    public static int? MasterPid(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) ? pid : null;

    /// <summary>Pids of the master's workers that still accept connections (a worker that is shutting down says so in its title).</summary>
    public static HashSet<int> Accepting(int masterPid)
    {
        var workers = new HashSet<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Fields after the parenthesised command name: state, ppid, …
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length < 2 || fields[1] != masterPid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    continue;
                }
                var title = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (title.Contains("worker process", StringComparison.Ordinal) && !title.Contains("shutting down", StringComparison.Ordinal))
                {
                    workers.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return workers;
    }
}
