namespace MechanicBuddy.Provisioning.Routing.Nginx;

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
        foreach (var pid in Children(masterPid))
        {
            try
            {
                var title = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
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

    /// <summary>
    /// The kernel's list of the master's children: one small read. Polled every few milliseconds during a reload, a
    /// scan of all of /proc would cost the database real CPU on a small host, so that is only the fallback.
    /// </summary>
    static IEnumerable<int> Children(int masterPid)
    {
        var list = $"/proc/{masterPid}/task/{masterPid}/children";
        if (File.Exists(list))
        {
            string text;
            try
            {
                text = File.ReadAllText(list);
            }
            catch (IOException)
            {
                return [];
            }
            return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture));
        }
        return ScanForChildren(masterPid);
    }

    static List<int> ScanForChildren(int masterPid)
    {
        var children = new List<int>();
        var parent = masterPid.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
                if (fields.Length >= 2 && fields[1] == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return children;
    }
}
