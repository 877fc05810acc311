using System.Globalization;
using MechanicBuddy.IntegrationTests.Support;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// Faults at random moments while signups run, on top of the crash points: every service killed with SIGKILL at
/// least once, a few more kills of services picked at random, RabbitMQ restarted and PostgreSQL restarted, in a
/// shuffled order with random gaps. The seed is reported; MB_CHAOS_SEED replays a run's order and gaps.
/// </summary>
public sealed class ChaosSchedule
{
    public const string RestartRabbitMq = "restart RabbitMQ";
    public const string RestartPostgres = "restart PostgreSQL";
    const int ExtraKills = 4;

    readonly List<(TimeSpan Gap, string Fault)> _faults;

    ChaosSchedule(int seed, IReadOnlyList<string> services)
    {
        Seed = seed;
        var random = new Random(seed);
        var faults = services.Select(s => "kill " + s)
            .Concat(Enumerable.Range(0, ExtraKills).Select(_ => "kill " + services[random.Next(services.Count)]))
            .Append(RestartRabbitMq).Append(RestartPostgres).ToArray();
        random.Shuffle(faults);
        _faults = faults.Select(f => (TimeSpan.FromMilliseconds(random.Next(1000, 4000)), f)).ToList();
    }

    public int Seed { get; }
    public List<string> Done { get; } = [];

    public static ChaosSchedule Create(IReadOnlyList<string> services) =>
        new(int.TryParse(Environment.GetEnvironmentVariable("MB_CHAOS_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : Random.Shared.Next(), services);

    public async Task RunAsync(ChaosControlPlaneFixture plane, Action<string> log)
    {
        foreach (var (gap, fault) in _faults)
        {
            await Task.Delay(gap);
            var started = DateTime.UtcNow;
            log($"{started:HH:mm:ss.fff} {fault}");
            switch (fault)
            {
                case RestartRabbitMq:
                    await TestInfrastructure.RestartRabbitMqAsync();
                    break;
                case RestartPostgres:
                    await TestInfrastructure.RestartPostgresAsync();
                    break;
                default:
                    await plane.KillAsync(fault["kill ".Length..]);
                    break;
            }
            Done.Add(string.Create(CultureInfo.InvariantCulture, $"{fault} ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)"));
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"seed {Seed}: {string.Join(", ", Done)}");
}
