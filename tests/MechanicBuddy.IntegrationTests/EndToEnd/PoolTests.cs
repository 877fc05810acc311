using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>An operator sees the pools' occupancy through the Gateway and drains one: no new tenant goes there until it is undrained.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PoolTests(ControlPlaneFixture plane)
{
    Task<SharedPoolsReport?> PoolsAsync() => plane.Client.GetFromJsonAsync<SharedPoolsReport>("/api/pools", Json);

    [Fact]
    public async Task A_drained_pool_takes_no_new_tenant_and_takes_them_again_when_undrained()
    {
        var before = Assert.Single((await PoolsAsync())!.Pools);
        Assert.Equal(("default", "configured", "Ready", false), (before.Name, before.Server, before.State, before.Draining));

        var drained = await plane.Client.PostAsync("/api/pools/default/drain", null);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        try
        {
            Assert.True((await drained.Content.ReadFromJsonAsync<SharedPoolDto>(Json))!.Draining);
            Assert.Equal(0, (await PoolsAsync())!.PoolsWithRoom);
            var refused = await SignUpAsync(plane.Client, new { companyName = "Drained Pool Garage", subscriptionTier = "free", ownerEmail = $"{Guid.NewGuid():N}@pools.example" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("https://mechanicbuddy.app/problems/shared-tier-full", (await ProblemAsync(refused)).GetProperty("type").GetString());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await plane.Client.PostAsync("/api/pools/default/undrain", null)).StatusCode);
        }

        var admitted = await ResultAsync(await SignUpAsync(plane.Client, new { companyName = "Undrained Pool Garage", subscriptionTier = "free", ownerEmail = $"{Guid.NewGuid():N}@pools.example" }));
        Assert.Equal(TenantStatuses.Active, admitted.Status);
        Assert.Equal("default", await plane.Registry.ScalarAsync<string>("SELECT pool FROM shared_pool_slots WHERE tenant_id = @t", ("t", admitted.TenantId)));
        Assert.True(Assert.Single((await PoolsAsync())!.Pools).Tenants >= 1);
    }

    [Fact]
    public async Task An_unknown_or_malformed_pool_gets_a_clear_answer()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Client.PostAsync("/api/pools/nowhere/drain", null)).StatusCode);
        var malformed = await plane.Client.PostAsync("/api/pools/DROP%20TABLE/drain", null);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await ProblemAsync(malformed)).GetProperty("errors").TryGetProperty("name", out _));
    }
}
