using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>The drift check compares the registry with the real pool, routes, secrets and instances.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DriftTests(ControlPlaneFixture plane)
{
    async Task<string> ActiveFreeTenantAsync(string company, string tier = "free")
    {
        var result = await ResultAsync(await SignUpAsync(plane.Client, new { companyName = company, subscriptionTier = tier, ownerEmail = $"{Guid.NewGuid():N}@drift.example" }));
        Assert.Equal(TenantStatuses.Active, result.Status);
        return result.TenantId;
    }

    Task<DriftReport?> DriftAsync(string? tenantId = null) =>
        plane.Client.GetFromJsonAsync<DriftReport>(tenantId is null ? "/api/drift" : $"/api/tenants/{tenantId}/drift", Json);

    [Fact]
    public async Task An_active_tenant_is_clean_and_a_dropped_schema_is_reported_missing()
    {
        var tenantId = await ActiveFreeTenantAsync("Drift Free Motors");
        var clean = (await DriftAsync(tenantId))!;
        Assert.True(clean.Clean, string.Join("; ", clean.Missing.Concat(clean.Orphaned).Select(f => $"{f.Kind} {f.TenantId}")));
        Assert.Equal(1, clean.TenantsChecked);

        // Someone drops the schema behind the control plane's back.
        await plane.Pool.ScalarAsync<int>($"DROP SCHEMA {new TenantNames(tenantId).Schema} CASCADE; SELECT 1");

        var drifted = (await DriftAsync(tenantId))!;
        Assert.False(drifted.Clean);
        var finding = Assert.Single(drifted.Missing);
        Assert.Equal(("schema", tenantId, TenantStatuses.Active, "pool default"), (finding.Kind, finding.TenantId, finding.Status, finding.Location));
        Assert.Empty(drifted.Orphaned);
    }

    [Theory]
    [InlineData("free", "pool default")] // its pool, read with its own login
    [InlineData("professional", "own database")] // its own instance, read as a stand-in member of its role
    public async Task A_shop_whose_journal_differs_from_its_recorded_schema_version_is_reported(string tier, string location)
    {
        var tenantId = await ActiveFreeTenantAsync($"Drift Version Motors {tier}", tier);
        Assert.True((await DriftAsync(tenantId))!.Clean);

        // The record says an older version than the shop's own journal (a migration run behind the control plane's back).
        await plane.Registry.ScalarAsync<object>(MechanicBuddy.TenantDatabase.EarlierRelease.RecordSql, ("ids", new[] { tenantId }));
        try
        {
            var drifted = (await DriftAsync(tenantId))!;
            Assert.False(drifted.Clean);
            var finding = Assert.Single(drifted.VersionMismatches);
            Assert.Equal(("schema-version", tenantId, location, $"recorded version 2, the shop's journal is at {MechanicBuddy.TenantDatabase.ShopSchemaVersions.Latest}"),
                (finding.Kind, finding.TenantId, finding.Location, finding.Detail));
            Assert.Empty(drifted.Missing);
        }
        finally
        {
            await plane.Registry.ScalarAsync<object>("UPDATE tenant_sagas SET data = jsonb_set(data, '{SchemaVersion}', to_jsonb(@v)) WHERE tenant_id = @t",
                ("v", MechanicBuddy.TenantDatabase.ShopSchemaVersions.Latest), ("t", tenantId));
        }
        Assert.True((await DriftAsync(tenantId))!.Clean);
    }

    [Fact]
    public async Task Pieces_of_an_unknown_tenant_are_orphans_and_a_deprovisioned_tenant_leaves_none()
    {
        // A tenant of its own, so the report has something to check whichever tests ran before.
        var tenantId = await ActiveFreeTenantAsync("Drift Gone Garage");
        var ghost = TenantIds.Generate("Ghost Garage");
        var names = new TenantNames(ghost);
        await plane.Pool.ScalarAsync<int>($"CREATE SCHEMA {names.Schema}; SELECT 1");
        try
        {
            var report = (await DriftAsync())!;
            Assert.False(report.Clean);
            var orphan = Assert.Single(report.Orphaned, f => f.TenantId == ghost);
            Assert.Equal(("schema", null), (orphan.Kind, orphan.Status));
            Assert.True(report.TenantsChecked >= 1);
            Assert.Empty(report.Unreachable);
        }
        finally
        {
            await plane.Pool.ScalarAsync<int>($"DROP SCHEMA {names.Schema}; SELECT 1");
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{tenantId}");
        delete.Headers.Add("Prefer", "wait=30");
        Assert.Equal(HttpStatusCode.OK, (await plane.Client.SendAsync(delete)).StatusCode);
        var gone = (await DriftAsync(tenantId))!;
        Assert.True(gone.Clean);
    }

    [Fact]
    public async Task The_drift_check_needs_an_operator_token()
    {
        using var anonymous = plane.Authorized(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/drift")).StatusCode);
    }
}
