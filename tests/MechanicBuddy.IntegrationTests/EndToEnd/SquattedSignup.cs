using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Gateway.Validation;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// A free signup that fails for a real reason: its schema name is taken in the pool before it signs up (an
/// Idempotency-Key fixes its id in advance), so its migrations are refused by PostgreSQL. The compensation removes the
/// squatter along with everything else, so a retry then succeeds.
/// </summary>
public static class SquattedSignup
{
    public static async Task<(string TenantId, string AdminPassword, TenantProvisioningResult Failed)> RunAsync(ControlPlaneFixture plane, string company, string email)
    {
        var key = Guid.NewGuid().ToString();
        var (tenantId, password, _) = IdempotentSignup.For(key, new SignupValidator.ValidSignup(company, "free", email, null, DeploymentModes.Shared), plane.Auth);
        var names = new TenantNames(tenantId);
        await plane.Pool.OwnerExecuteAsync($"CREATE SCHEMA {names.Schema}; CREATE TABLE {names.Schema}.users (id int)");
        using var signup = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
        {
            Content = JsonContent.Create(new { companyName = company, subscriptionTier = "free", ownerEmail = email }),
        };
        signup.Headers.Add("Idempotency-Key", key);
        signup.Headers.Add("Prefer", "wait=30");
        return (tenantId, password, await ResultAsync(await plane.Client.SendAsync(signup)));
    }
}
