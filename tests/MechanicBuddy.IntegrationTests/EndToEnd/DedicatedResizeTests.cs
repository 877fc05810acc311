using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using Npgsql;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// professional ↔ enterprise through the Gateway on the single-host platform: the shop keeps its own instance, its data
/// and its route; only what the tier decides there (the shop's tier and mechanic limit) changes, each way.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DedicatedResizeTests(ControlPlaneFixture plane)
{
    readonly TenantSides _sides = new(plane);

    static async Task<(string Tier, string MechanicLimit)> ShopLimitsAsync(NpgsqlDataSource tenant)
    {
        await using var command = tenant.CreateCommand(
            "SELECT max(value) FILTER (WHERE key = 'subscription_tier'), max(value) FILTER (WHERE key = 'mechanic_limit') FROM settings");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1));
    }

    [Fact]
    public async Task A_professional_shop_becomes_enterprise_where_it_is_and_back_keeping_its_instance_data_and_route()
    {
        var signup = await SignUpAsync(plane.Client,
            new { companyName = "Resizable Radiators", subscriptionTier = "professional", ownerEmail = "owner@resizable.example" });
        Assert.Equal(HttpStatusCode.OK, signup.StatusCode);
        var id = (await ResultAsync(signup)).TenantId;
        await using var instance = _sides.InstanceAsTenant(id);
        await TenantSides.ExecuteAsync(instance, "INSERT INTO customers (full_name) VALUES ('kept through every resize')");
        Assert.Equal(("professional", "20"), await ShopLimitsAsync(instance));

        var up = await ChangeTierAsync(plane.Client, id, new { newTier = "enterprise" });

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var enterprise = (await up.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal((TenantStatuses.Active, "enterprise", DeploymentModes.Dedicated, DedicatedPlatforms.SingleHost, $"tenant-{id}", null, null),
            (enterprise.Status, enterprise.SubscriptionTier, enterprise.DeploymentMode, enterprise.Platform, enterprise.Namespace, enterprise.Retiring, enterprise.TierChangeError));
        Assert.Equal(("enterprise", "-1"), await ShopLimitsAsync(instance));
        Assert.Equal(1L, (long)(await instance.CreateCommand("SELECT count(*) FROM customers WHERE full_name = 'kept through every resize'").ExecuteScalarAsync())!);
        Assert.Equal("dedicated", (await _sides.EdgeAsync(id)).Backend);
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{id}/log", Json))!;
        Assert.Contains(log, e => e.Step == "ApplyTierLimits" && e.Outcome == "completed");
        Assert.Contains(log, e => e.Step == "TierChange" && e.Outcome == "completed"
            && e.Message.StartsWith("resized in place: professional → enterprise", StringComparison.Ordinal));

        var down = await ChangeTierAsync(plane.Client, id, new { newTier = "professional" });

        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal("professional", (await down.Content.ReadFromJsonAsync<TenantDto>(Json))!.SubscriptionTier);
        Assert.Equal(("professional", "20"), await ShopLimitsAsync(instance));
        var drift = (await plane.Client.GetFromJsonAsync<DriftReport>($"/api/tenants/{id}/drift", Json))!;
        Assert.True(drift.Clean, string.Join("; ", drift.Missing.Concat(drift.Orphaned).Select(f => $"{f.Kind} {f.Location} {f.Detail}")));
    }

    [Theory]
    [InlineData(TenantStatuses.TierResizing)]
    [InlineData(TenantStatuses.Suspending)]
    [InlineData(TenantStatuses.TierCopyingData)]
    public async Task Every_status_a_tenant_can_have_is_a_valid_filter(string status)
    {
        var response = await plane.Client.GetAsync($"/api/tenants?status={status}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All((await response.Content.ReadFromJsonAsync<List<TenantDto>>(Json))!, t => Assert.Equal(status, t.Status));
    }
}
