using System.Globalization;

namespace MechanicBuddy.Bench;

/// <summary>Per-tenant latencies of one path and the wall time of the whole batch.</summary>
public sealed record Latencies(string Path, IReadOnlyList<double> Milliseconds, TimeSpan Wall, int Failures)
{
    public double Percentile(double p)
    {
        var sorted = Milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public double TenantsPerSecond => Milliseconds.Count / Wall.TotalSeconds;

    /// <summary>Rounds of one path pooled: all latencies, summed wall time.</summary>
    public static Latencies Pool(IReadOnlyList<Latencies> rounds) =>
        new(rounds[0].Path, rounds.SelectMany(r => r.Milliseconds).ToList(), TimeSpan.FromTicks(rounds.Sum(r => r.Wall.Ticks)), rounds.Sum(r => r.Failures));

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"{Path,-22} {Milliseconds.Count,5} {Failures,5} {Percentile(50),9:F0} {Percentile(95),9:F0} {TenantsPerSecond,10:F2}");

    public static async Task<Latencies> MeasureAsync(string path, int count, int concurrency, Func<int, Task> provision)
    {
        var latencies = new List<double>(count);
        var failures = 0;
        var next = -1;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    await provision(i);
                    lock (latencies)
                    {
                        latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    Console.Error.WriteLine($"{path} #{i}: {ex.Message}");
                }
            }
        }));
        wall.Stop();
        return new Latencies(path, latencies, wall.Elapsed, failures);
    }
}
