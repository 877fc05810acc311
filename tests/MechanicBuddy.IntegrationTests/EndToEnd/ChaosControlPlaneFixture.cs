using System.Globalization;
using MechanicBuddy.IntegrationTests.Support;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// The control plane with fault injection on: each service kills itself with SIGKILL at each of its crash points (once
/// per point: a worker after each step, the registry between a commit and its messages leaving, the Gateway between
/// admission and its answer), the registry delivers every command and event twice, and a supervisor restarts any
/// service that dies, on the same port, the way systemd or Kubernetes would. <see cref="KillAsync"/> adds kills at
/// moments of the test's choosing.
/// </summary>
public sealed class ChaosControlPlaneFixture : ControlPlaneFixture
{
    readonly CancellationTokenSource _stop = new();
    Task? _supervisor;
    int _restarts;

    public override string Domain => "e2e-chaos.localhost";
    protected override int TenantFirstPort => 27300;
    public string CrashMarkers => Path.Combine(TestEnvironment.VarDirectory, $"e2e-{RunId}-crash-markers");
    public int Restarts => _restarts;
    public List<string> Restarted { get; } = [];

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["FaultInjection__CrashAfterSteps"] = "*";
        environment["FaultInjection__CrashMarkerDirectory"] = CrashMarkers;
        environment["FaultInjection__DeliverTwice"] = "true";
        // A bus that does not come back after the broker restart ends its process soon, and the supervisor restarts it.
        environment["RabbitMq__StuckBusExitSeconds"] = "45";
        // Connection losses and recoveries in the services' logs, for reading a failed run.
        environment["Serilog__MinimumLevel__Override__MassTransit"] = "Information";
        // A provisioning lost for good (e.g. its command faulted while the broker was away) must still end, and soon.
        environment["Provisioning__Timeouts__SharedSeconds"] = "90";
        environment["Provisioning__Timeouts__DedicatedSeconds"] = "120";
        environment["Provisioning__Timeouts__CheckIntervalSeconds"] = "1";
        // A removal lost the same way is sent again soon.
        environment["Provisioning__Timeouts__RemovalSeconds"] = "30";
        // A tier-change phase lost the same way rolls back soon.
        environment["Provisioning__TierChange__PhaseSeconds"] = "45";
        // A rollout's tenant sent just before a crash (its command or answer lost) is sent again soon.
        environment["Fleet__ResendAfterSeconds"] = "5";
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _supervisor = SuperviseAsync(_stop.Token);
    }

    async Task SuperviseAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < Services.Count; i++)
            {
                if (Services[i].HasExited)
                {
                    lock (Restarted)
                    {
                        Restarted.Add(Services[i].Name);
                    }
                    Services[i] = await Services[i].RestartAsync();
                    Interlocked.Increment(ref _restarts);
                }
            }
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public override async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_supervisor is not null)
        {
            await _supervisor;
        }
        await base.DisposeAsync();
        if (Directory.Exists(CrashMarkers))
        {
            Directory.Delete(CrashMarkers, recursive: true);
        }
    }

    /// <summary>kill -9 of the named service once it runs (it may be restarting after an earlier death).</summary>
    public async Task KillAsync(string service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        ServiceProcess process;
        while ((process = Services.Single(s => s.Name == service)).HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        process.Kill();
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture, $"{_restarts} restarts: {string.Join(", ", Restarted)}");
}

[CollectionDefinition(Name, DisableParallelization = true)]
// Alone: it restarts the test RabbitMQ and PostgreSQL, which every other collection uses.
public sealed class ChaosCollection : ICollectionFixture<ChaosControlPlaneFixture>
{
    public const string Name = "chaos control plane";
}
