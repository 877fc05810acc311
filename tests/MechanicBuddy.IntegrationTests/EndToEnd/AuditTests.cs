using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;
using Npgsql;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>The audit trail and the Viewer role through the real Gateway and registry.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AuditTests(ControlPlaneFixture plane)
{
    async Task<List<AuditRecord>> AuditAsync(string query) =>
        (await plane.Client.GetFromJsonAsync<List<AuditRecord>>($"/api/audit?{query}", Json))!;

    [Fact]
    public async Task A_signup_and_a_suspension_are_recorded_with_who_what_which_tenant_and_the_request_id()
    {
        using var signup = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
        {
            Content = JsonContent.Create(new { companyName = "Audited Axles", subscriptionTier = "free", ownerEmail = "owner@audited.example" }),
        };
        signup.Headers.Add("Prefer", "wait=30");
        signup.Headers.Add("X-Request-ID", "req-audit-signup-1");
        var tenantId = (await ResultAsync(await plane.Client.SendAsync(signup))).TenantId;
        using var suspend = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenantId}/suspend") { Content = JsonContent.Create(new { reason = "audit" }) };
        suspend.Headers.Add("Prefer", "wait=30");
        Assert.Equal(HttpStatusCode.OK, (await plane.Client.SendAsync(suspend)).StatusCode);

        var records = await AuditAsync($"tenantId={tenantId}");

        Assert.Equal(["SuspendTenant", "ProvisionTenant"], records.Select(r => r.Action));
        Assert.All(records, r => Assert.Equal(("e2e-operator", AuthOptions.SuperAdminRole, AuditRecord.Accepted), (r.Subject, r.Role, r.Outcome)));
        Assert.Equal("req-audit-signup-1", records[1].RequestId);
        Assert.Equal("127.0.0.1", records[1].ClientAddress);
        Assert.Equal(($"/api/tenants/{tenantId}/suspend", 200), (records[0].Path, records[0].Status));
        Assert.True(records[0].Id > records[1].Id);
    }

    [Fact]
    public async Task A_viewer_reads_but_its_forced_change_is_refused_and_recorded_with_the_reason()
    {
        var minted = await plane.Client.PostAsJsonAsync("/api/tokens", new { subject = "support-desk", role = AuthOptions.ViewerRole, hours = 1 });
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        var token = (await minted.Content.ReadFromJsonAsync<TokenAnswer>(Json))!.Token;
        using var viewer = plane.Authorized(token);

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/tenants?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/audit?limit=1")).StatusCode);
        var forced = await viewer.PostAsJsonAsync("/api/provisioning/provision", new { companyName = "Forced Forks", subscriptionTier = "free", ownerEmail = "o@forced.example" });
        var mint = await viewer.PostAsJsonAsync("/api/tokens", new { subject = "escalate", role = AuthOptions.SuperAdminRole });

        Assert.Equal(HttpStatusCode.Forbidden, forced.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Contains("Viewer role may read", (await ProblemAsync(forced)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var refused = await AuditAsync("subject=support-desk&outcome=refused");
        Assert.Equal(["MintToken", "ProvisionTenant"], refused.Select(r => r.Action));
        Assert.All(refused, r => Assert.Equal((403, AuthOptions.ViewerRole), (r.Status, r.Role)));
        Assert.Contains("Viewer role may read", refused[1].Reason, StringComparison.Ordinal);
        // Nothing was built for the forced signup: no tenant of that company.
        Assert.Empty((await plane.Client.GetFromJsonAsync<List<TenantDto>>("/api/tenants?q=Forced%20Forks", Json))!);
        // The token minting itself is on record, naming whom it was for.
        Assert.Contains(await AuditAsync("action=MintToken&outcome=accepted"),
            r => r.Target?.StartsWith("support-desk as Viewer until ", StringComparison.Ordinal) == true && r.Subject == "e2e-operator");
        // Nobody can be minted a token in the name the audit log gives to callers without one.
        Assert.Equal(HttpStatusCode.BadRequest, (await plane.Client.PostAsJsonAsync("/api/tokens", new { subject = "Anonymous", role = AuthOptions.ViewerRole })).StatusCode);
    }

    [Fact]
    public async Task Refusals_without_a_token_and_for_bad_input_are_recorded_with_what_was_wrong()
    {
        using var anonymous = plane.Authorized(null);
        var unauthenticated = await anonymous.PostAsync("/api/tenants/nobody-x1y2z3/suspend", null);
        var invalid = await SignUpAsync(plane.Client, new { companyName = "", subscriptionTier = "platinum", ownerEmail = "nope" });

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var anon = Assert.Single(await AuditAsync("subject=anonymous&tenantId=nobody-x1y2z3"));
        Assert.Equal(("SuspendTenant", 401, AuditRecord.Refused), (anon.Action, anon.Status, anon.Outcome));
        var bad = (await AuditAsync("action=ProvisionTenant&outcome=refused&limit=20")).First(r => r.Status == 400);
        Assert.Contains("subscriptionTier", bad.Reason, StringComparison.Ordinal);
        Assert.Contains("ownerEmail", bad.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trail_cannot_be_changed_through_the_api_nor_by_the_registry_login()
    {
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await plane.Client.DeleteAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await plane.Client.PutAsJsonAsync("/api/audit", new { })).StatusCode);
        await SignUpAsync(plane.Client, new { companyName = "", subscriptionTier = "free", ownerEmail = "x" });

        var update = await Assert.ThrowsAsync<PostgresException>(() => plane.Registry.ScalarAsync<int>("UPDATE audit_log SET subject = 'someone' RETURNING 1"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => plane.Registry.ScalarAsync<int>("DELETE FROM audit_log RETURNING 1"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => plane.Registry.ScalarAsync<int>("TRUNCATE audit_log"));

        Assert.All([update, delete, truncate], e => Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal));
        Assert.NotEmpty(await AuditAsync("limit=1"));
    }

    [Fact]
    public async Task Audit_filters_and_paging_that_make_no_sense_are_refused_with_what_is_wrong()
    {
        var response = await plane.Client.GetAsync("/api/audit?outcome=maybe&limit=0&tenantId=NOT%20AN%20ID");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("outcome", out _));
        Assert.True(errors.TryGetProperty("limit", out _));
        Assert.True(errors.TryGetProperty("tenantId", out _));
    }

    sealed record TokenAnswer(string Token, string Subject, string Role, DateTimeOffset ExpiresAt);
}
