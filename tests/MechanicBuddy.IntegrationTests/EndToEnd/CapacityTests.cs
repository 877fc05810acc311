using System.Net;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>Capacity holds under concurrency through the whole system: a pool with room for 10 and 20 signups at once.</summary>
[Collection(SmallPoolCollection.Name)]
public sealed class CapacityTests(SmallPoolControlPlaneFixture plane)
{
    [Fact]
    public async Task Twenty_concurrent_signups_for_ten_places_give_ten_active_tenants_and_ten_clear_refusals()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            SignUpAsync(plane.Client, new { companyName = $"Crowded Garage {i}", subscriptionTier = "free", ownerEmail = $"crowd{i}@example.com" }, waitSeconds: 60)));

        var admitted = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Equal(SmallPoolControlPlaneFixture.PoolCapacity, admitted.Count);
        Assert.Equal(20 - SmallPoolControlPlaneFixture.PoolCapacity, refused.Count);
        foreach (var response in admitted)
        {
            Assert.Equal(TenantStatuses.Active, (await ResultAsync(response)).Status);
        }
        foreach (var response in refused)
        {
            var problem = await ProblemAsync(response);
            Assert.Equal("https://mechanicbuddy.app/problems/shared-tier-full", problem.GetProperty("type").GetString());
            Assert.Contains("every shared pool is full", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal((long)SmallPoolControlPlaneFixture.PoolCapacity,
            await plane.Pool.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_crowded\\_garage%'"));
        Assert.Equal((long)SmallPoolControlPlaneFixture.PoolCapacity, await plane.Registry.ScalarAsync<long>("SELECT count(*) FROM shared_pool_slots"));
    }
}
