using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>POST /api/tenants/{id}/retry: a provisioning that failed for a reason since removed is run again.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RetryTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task A_failed_provisioning_is_retried_to_active_with_the_same_tenant_and_admin()
    {
        var (tenantId, password, failed) = await SquattedSignup.RunAsync(plane, "Retry Rotors", "owner@retry.example");
        var names = new TenantNames(tenantId);

        Assert.Equal((tenantId, TenantStatuses.Failed), (failed.TenantId, failed.Status));
        Assert.Contains("PostgreSQL", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.NotNull(failed.FailedStep);

        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenantId}/retry");
        retry.Headers.Add("Prefer", "wait=30");
        var response = await plane.Client.SendAsync(retry);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retried = await ResultAsync(response);
        Assert.Equal(TenantStatuses.Active, retried.Status);
        Assert.Null(retried.ErrorMessage);
        Assert.Contains(retried.ProvisioningLog, e => e.Step == "Retry" && e.Outcome == "started");
        var hash = await plane.Pool.ScalarAsync<string>($"SELECT password_hash FROM {names.Schema}.users WHERE username = 'admin'");
        Assert.True(AdminPasswords.Verify(password, hash!));

        var again = await plane.Client.PostAsync($"/api/tenants/{tenantId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Client.PostAsync("/api/tenants/no-such-tenant-aaaaaa/retry", null)).StatusCode);
    }
}
