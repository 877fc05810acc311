using System.Globalization;
using MechanicBuddy.IntegrationTests.Support;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// The control plane with fault injection on: each worker kills itself with SIGKILL right after each step (once per
/// step), the registry delivers every command and event twice, and a supervisor restarts any service that dies,
/// on the same port, the way systemd or Kubernetes would.
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
        // A provisioning lost for good (e.g. its command faulted while the broker was away) must still end, and soon.
        environment["Provisioning__Timeouts__SharedSeconds"] = "90";
        environment["Provisioning__Timeouts__DedicatedSeconds"] = "120";
        environment["Provisioning__Timeouts__CheckIntervalSeconds"] = "1";
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

    public string Summary() => string.Create(CultureInfo.InvariantCulture, $"{_restarts} restarts: {string.Join(", ", Restarted)}");
}

[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<ChaosControlPlaneFixture>
{
    public const string Name = "chaos control plane";
}
