using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using Xunit.Abstractions;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// Signups through services that crash (SIGKILL) at every crash point and at random moments, a RabbitMQ and a
/// PostgreSQL restarted mid-run, and a registry that delivers everything twice: afterwards every shop has exactly one
/// tenant, Active or Failed with a reason, and the drift check finds nothing.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class CrashSafetyTests(ChaosControlPlaneFixture plane, ITestOutputHelper output)
{
    const int FreeSignups = 50;
    const int DedicatedSignups = 5;

    readonly PatientClient _client = new(plane);

    [Fact]
    public async Task Every_signup_ends_exactly_once_through_crashes_restarts_and_double_delivery()
    {
        var chaos = ChaosSchedule.Create(plane.Services.Select(s => s.Name).ToList());
        output.WriteLine($"chaos seed {chaos.Seed}");
        var faults = chaos.RunAsync(plane, output.WriteLine);
        using var throttle = new SemaphoreSlim(6);
        var bodies = Enumerable.Range(0, FreeSignups).Select(i => (object)new { companyName = $"Chaos Garage {i}", subscriptionTier = "free", ownerEmail = $"chaos{i}@example.com" })
            .Concat(Enumerable.Range(0, DedicatedSignups).Select(i => (object)new { companyName = $"Chaos Dedicated {i}", subscriptionTier = "professional", ownerEmail = $"chaosd{i}@example.com" }))
            .ToList();
        var accepted = await Task.WhenAll(bodies.Select(async body =>
        {
            await throttle.WaitAsync();
            try
            {
                return await _client.SignUpUntilAcceptedAsync(body);
            }
            finally
            {
                throttle.Release();
            }
        }));

        await faults;

        // Every signup was accepted once, as one tenant.
        var ids = accepted.Select(a => a.TenantId).ToList();
        Assert.Equal(bodies.Count, ids.Distinct().Count());

        // Wait for every tenant to end (Active or Failed), as an operator's dashboard would.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        List<TenantDto> tenants;
        while (true)
        {
            tenants = await _client.GetWhenUpAsync<List<TenantDto>>("/api/tenants?limit=500");
            var pending = tenants.Where(t => ids.Contains(t.Id) && t.Status is not (TenantStatuses.Active or TenantStatuses.Failed)).ToList();
            if (pending.Count == 0 || DateTime.UtcNow > deadline)
            {
                Assert.True(pending.Count == 0, $"still pending: {string.Join(", ", pending.Select(p => $"{p.Id} {p.Status}"))}; {plane.Summary()}; {chaos}");
                break;
            }
            await Task.Delay(500);
        }

        var mine = tenants.Where(t => ids.Contains(t.Id)).ToList();
        Assert.Equal(bodies.Count, mine.Count);
        Assert.Equal(bodies.Count, mine.Select(t => t.CompanyName).Distinct().Count());
        var failed = mine.Where(t => t.Status == TenantStatuses.Failed).ToList();
        Assert.All(failed, t => Assert.False(string.IsNullOrEmpty(t.FailureReason)));
        var drift = await _client.DriftWhenWorkersUpAsync();
        Assert.True(drift.Clean, $"{chaos}; drift: " + string.Join("; ", drift.Missing.Select(f => $"missing {f.Kind} {f.TenantId} {f.Detail}")
            .Concat(drift.Orphaned.Select(f => $"orphan {f.Kind} {f.TenantId} ({f.Status})")).Concat(drift.Unreachable)));

        // The faults really happened: a crash at every point of every service (each once), all recovered.
        var markers = Directory.GetFiles(plane.CrashMarkers).Select(Path.GetFileName).ToList();
        Assert.Superset(new HashSet<string?>
        {
            "MechanicBuddy.SharedTierProvisioner.CreateSchema", "MechanicBuddy.SharedTierProvisioner.RunMigrations", "MechanicBuddy.SharedTierProvisioner.SeedData",
            "MechanicBuddy.SharedTierProvisioner.ConfigureRouting", "MechanicBuddy.DedicatedProvisioner.CreateInstance", "MechanicBuddy.DedicatedProvisioner.WaitForPostgres",
            "MechanicBuddy.DedicatedProvisioner.CreateDatabase", "MechanicBuddy.DedicatedProvisioner.RunMigrations", "MechanicBuddy.DedicatedProvisioner.SeedData",
            "MechanicBuddy.DedicatedProvisioner.ConfigureRouting", "MechanicBuddy.TenantRegistry.Committed.BuildTenantSide.provision-shared-tenant",
            "MechanicBuddy.TenantRegistry.Committed.BuildTenantSide.provision-dedicated-tenant", "MechanicBuddy.Gateway.Signup.Accepted",
        }, markers.ToHashSet());
        // Two steps finishing together in one process can both mark before the kill lands: one death, two markers.
        Assert.Equal(plane.Services.Select(s => s.Name).Order(), plane.Restarted.Distinct().Order());
        Assert.Contains(chaos.Done, f => f.StartsWith(ChaosSchedule.RestartRabbitMq, StringComparison.Ordinal));
        Assert.Contains(chaos.Done, f => f.StartsWith(ChaosSchedule.RestartPostgres, StringComparison.Ordinal));
        var summary = $"{DateTimeOffset.UtcNow:u} {bodies.Count} signups ({FreeSignups} free, {DedicatedSignups} dedicated): " +
            $"{mine.Count(t => t.Status == TenantStatuses.Active)} Active, {failed.Count} Failed; crashes after {markers.Count} steps " +
            $"({string.Join(", ", markers)}); random faults {chaos}; {plane.Summary()}; drift clean";
        output.WriteLine(summary);
        await File.AppendAllTextAsync(Path.Combine(TestEnvironment.VarDirectory, "log", "crash-safety.log"), summary + Environment.NewLine);
    }
}
