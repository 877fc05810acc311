using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.IntegrationTests.SharedTierProvisioner;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>A free shop signs up through the Gateway over HTTP, with every service a separate process.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FreeSignupTests(ControlPlaneFixture plane)
{
    static readonly HttpClient Edge = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_free_signup_becomes_an_active_shared_tenant_whose_route_carries_its_id()
    {
        var response = await SignUpAsync(plane.Client, new { companyName = "Quick Fix Garage", subscriptionTier = "free", ownerEmail = "owner@quickfix.com" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wait=30", response.Headers.GetValues("Preference-Applied").Single());
        var result = await ResultAsync(response);
        Assert.Matches("^quick-fix-[a-z0-9]{6}$", result.TenantId);
        Assert.Equal($"/api/provisioning/{result.TenantId}", response.Headers.Location?.ToString());
        Assert.True(result.Success);
        Assert.Equal(TenantStatuses.Active, result.Status);
        Assert.Equal("shared", result.DeploymentMode);
        Assert.Equal(TenantNames.SharedNamespace, result.Namespace);
        Assert.Null(result.HelmRelease);
        Assert.Equal($"http://{result.TenantId}.{ControlPlaneFixture.BaseDomain}:{TestEnvironment.NginxPort}", result.TenantUrl);
        Assert.Equal(result.TenantUrl + "/api", result.ApiUrl);
        Assert.Equal(["Limited to 5 users", "No custom domain"], result.Warnings);
        Assert.Equal("shared", result.Resources!.PostgresInstances.ToString());
        Assert.Equal("shared", result.Resources.ApiReplicas.ToString());
        Assert.Equal(5, result.Resources.MechanicLimit);
        Assert.False(result.Resources.BackupEnabled);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3}$", result.ProvisioningDuration!);
        var steps = result.ProvisioningLog.Select(e => e.Step).ToList();
        Assert.Equal("Accepted", steps[0]);
        Assert.Equal("Completed", steps[^1]);
        Assert.Equal(["ConfigureRouting", "CreateSchema", "RunMigrations", "SeedData"], steps[1..^1].Order());
        Assert.Equal(["CreateSchema", "RunMigrations", "SeedData"], steps[1..^1].Where(s => s != "ConfigureRouting"));
        Assert.True(result.ProvisioningLog.Zip(result.ProvisioningLog.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));

        // The admin password is shown once; only its hash reached the tenant's database.
        Assert.Equal("admin", result.AdminUsername);
        Assert.True(result.AdminPassword!.Length >= 16);
        var names = new TenantNames(result.TenantId);
        var storedHash = await plane.Pool.ScalarAsync<string>($"SELECT password_hash FROM {names.Schema}.users WHERE username = 'admin'");
        Assert.True(AdminPasswords.Verify(result.AdminPassword, storedHash!));
        var again = (await plane.Client.GetFromJsonAsync<TenantProvisioningResult>(response.Headers.Location, Json))!;
        Assert.Null(again.AdminPassword);
        Assert.Equal(TenantStatuses.Active, again.Status);
        // The answer came with the completion event and is the record itself: every step once, nothing added later.
        Assert.Equal(result.ProvisioningLog, again.ProvisioningLog);
        Assert.DoesNotContain(result.AdminPassword, plane.AllLogs(), StringComparison.Ordinal);

        var tenant = (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{result.TenantId}", Json))!;
        Assert.Equal(("shared", TenantStatuses.Active, "default"), (tenant.DeploymentMode, tenant.Status, tenant.Pool));
        Assert.Equal(MechanicBuddy.TenantDatabase.ShopSchemaVersions.Latest, tenant.SchemaVersion);

        using var request = EdgeRequest.Get($"{result.TenantId}.{ControlPlaneFixture.BaseDomain}", "/api/customers");
        request.Headers.Add("X-Tenant-ID", "another-shop-123456");
        var echo = await (await Edge.SendAsync(request)).Content.ReadFromJsonAsync<EchoResponse>();
        Assert.Equal([result.TenantId], echo!.TenantIds);
    }

    [Fact]
    public async Task Without_prefer_wait_the_gateway_answers_202_and_the_status_resource_fills_in()
    {
        var response = await SignUpAsync(plane.Client, new { companyName = "Patient Pistons", subscriptionTier = "demo", ownerEmail = "demo@pistons.example" }, waitSeconds: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await ResultAsync(response);
        Assert.Equal(TenantStatuses.Provisioning, accepted.Status);
        Assert.NotNull(accepted.AdminPassword);
        var final = await PollAsync<TenantProvisioningResult>(plane.Client, response.Headers.Location!.ToString(), r => r.Status, TenantStatuses.Provisioning,
            TimeSpan.FromSeconds(30));
        Assert.Equal(TenantStatuses.Active, final.Status);
        Assert.Equal("demo", final.SubscriptionTier);
    }

    [Fact]
    public async Task Deprovisioning_removes_route_schema_role_and_secret_and_frees_the_shop_to_sign_up_again()
    {
        var body = new { companyName = "Short Lived Service", subscriptionTier = "free", ownerEmail = "brief@example.com" };
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client, body))).TenantId;
        Assert.True((await PoolInspector.InspectAsync(plane.Pool, plane.SecretsDirectory, tenantId)).Any);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{tenantId}");
        delete.Headers.Add("Prefer", "wait=30");
        var response = await plane.Client.SendAsync(delete);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tenant = (await response.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal(TenantStatuses.Deprovisioned, tenant.Status);
        Assert.NotNull(tenant.DeprovisionedAt);
        Assert.False((await PoolInspector.InspectAsync(plane.Pool, plane.SecretsDirectory, tenantId)).Any);
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{tenantId}/log", Json))!;
        Assert.Contains(log, e => e.Step == "Deprovisioned");

        // Deleting again is not an error, and the same shop may now come back.
        Assert.Equal(HttpStatusCode.OK, (await plane.Client.DeleteAsync($"/api/tenants/{tenantId}")).StatusCode);
        var comeback = await SignUpAsync(plane.Client, body);
        Assert.Equal(HttpStatusCode.OK, comeback.StatusCode);
        Assert.NotEqual(tenantId, (await ResultAsync(comeback)).TenantId);
    }

    [Fact]
    public async Task A_second_signup_of_a_live_shop_is_a_conflict()
    {
        var body = new { companyName = "Only Once Autos", subscriptionTier = "free", ownerEmail = "once@example.com" };
        Assert.Equal(HttpStatusCode.OK, (await SignUpAsync(plane.Client, body)).StatusCode);

        var response = await SignUpAsync(plane.Client, new { companyName = "  only ONCE   autos ", subscriptionTier = "free", ownerEmail = "ONCE@example.com" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("https://mechanicbuddy.app/problems/duplicate-tenant", problem.GetProperty("type").GetString());
        Assert.Contains("already has tenant only-once-", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
