using System.Globalization;

namespace MechanicBuddy.Bench;

/// <summary>
/// CPU time this machine's processes spent, grouped by what they are (each service, PostgreSQL, RabbitMQ, nginx, this
/// client), from /proc: on two cores a path's cost is mostly CPU, and these figures say whose. A process's own time
/// plus its reaped children's (PostgreSQL backends and nginx workers that ended are counted in their parent), so a
/// difference of two readings holds every process that ran between them.
/// </summary>
public sealed class ProcessCpu
{
    static readonly (string Group, string Needle)[] Groups =
    [
        ("gateway", "MechanicBuddy.Gateway"), ("registry", "MechanicBuddy.TenantRegistry"), ("shared worker", "MechanicBuddy.SharedTierProvisioner"),
        ("dedicated worker", "MechanicBuddy.DedicatedProvisioner"), ("bench client", "MechanicBuddy.Bench"), ("postgres", "postgres"), ("rabbitmq", "beam.smp"), ("nginx", "nginx"),
    ];

    static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    readonly Dictionary<string, double> _seconds = [];

    public static ProcessCpu Read()
    {
        var reading = new ProcessCpu();
        if (!Directory.Exists("/proc"))
        {
            return reading;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }
            try
            {
                var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var group = Groups.FirstOrDefault(g => command.Contains(g.Needle, StringComparison.Ordinal)).Group;
                if (group is null)
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command (which may hold spaces) in parentheses: state is field 3, utime 14 … cstime 17.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = Enumerable.Range(11, 4).Sum(i => double.Parse(fields[i], CultureInfo.InvariantCulture));
                reading._seconds[group] = reading._seconds.GetValueOrDefault(group) + ticks / TicksPerSecond;
            }
            catch (IOException)
            {
                // The process ended while it was read: its time is in its parent's now.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return reading;
    }

    static readonly string[] Services = ["gateway", "registry", "shared worker", "dedicated worker"];

    /// <summary>Waits until the four services use under a tenth of a core for half a second (or the limit passes); the seconds waited.</summary>
    public static async Task<double> UntilServicesIdleAsync(TimeSpan limit)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = Read();
        while (waited.Elapsed < limit)
        {
            await Task.Delay(500);
            var now = Read();
            var busy = Services.Sum(s => now._seconds.GetValueOrDefault(s) - last._seconds.GetValueOrDefault(s));
            last = now;
            if (busy < 0.05)
            {
                break;
            }
        }
        return waited.Elapsed.TotalSeconds;
    }

    /// <summary>CPU seconds per group between two readings, summed over several intervals.</summary>
    public sealed class Spent
    {
        readonly Dictionary<string, double> _seconds = [];

        public void Add(ProcessCpu before, ProcessCpu after)
        {
            foreach (var (group, _) in Groups)
            {
                _seconds[group] = _seconds.GetValueOrDefault(group) + Math.Max(0, after._seconds.GetValueOrDefault(group) - before._seconds.GetValueOrDefault(group));
            }
        }

        public double Of(string group) => _seconds.GetValueOrDefault(group);

        public double Total => _seconds.Values.Sum();

        public static IEnumerable<string> GroupNames => Groups.Select(g => g.Group);
    }

    /// <summary>The CPU each path cost per tenant, by group, side by side.</summary>
    public static void Print(Spent direct, Spent gateway, int tenants)
    {
        Console.WriteLine($"{"CPU ms per tenant",-22} {"direct",8} {"gateway",8}");
        foreach (var group in Spent.GroupNames.Where(g => direct.Of(g) + gateway.Of(g) > 0))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group,-22} {direct.Of(group) * 1000 / tenants,8:F1} {gateway.Of(group) * 1000 / tenants,8:F1}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"all",-22} {direct.Total * 1000 / tenants,8:F1} {gateway.Total * 1000 / tenants,8:F1}"));
    }
}
