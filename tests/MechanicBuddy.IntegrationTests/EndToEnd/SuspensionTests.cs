using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>Suspend and resume through the Gateway: the real nginx answers 503 for a suspended tenant, its data is untouched.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SuspensionTests(ControlPlaneFixture plane)
{
    static readonly HttpClient Edge = new() { Timeout = TimeSpan.FromSeconds(5) };

    async Task<HttpResponseMessage> PostAsync(string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Prefer", "wait=30");
        return await plane.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_suspended_tenant_answers_503_keeps_its_data_comes_back_on_resume_and_can_be_deprovisioned()
    {
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Paused Pistons", subscriptionTier = "free", ownerEmail = "owner@paused.example" }))).TenantId;
        var host = $"{tenantId}.{ControlPlaneFixture.BaseDomain}";
        var schema = new TenantNames(tenantId).Schema;
        var users = await plane.Pool.ScalarAsync<long>($"SELECT count(*) FROM {schema}.users");

        var suspend = await PostAsync($"/api/tenants/{tenantId}/suspend", new { reason = "invoice 2026-11 unpaid" });

        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        var suspended = (await suspend.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal((TenantStatuses.Suspended, "invoice 2026-11 unpaid"), (suspended.Status, suspended.SuspendReason));
        Assert.NotNull(suspended.SuspendedAt);
        using (var request = EdgeRequest.Get(host, "/api/customers"))
        {
            var answer = await Edge.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Contains("suspended", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(users, await plane.Pool.ScalarAsync<long>($"SELECT count(*) FROM {schema}.users"));
        // Suspending again changes nothing; resuming an active tenant neither.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/api/tenants/{tenantId}/suspend")).StatusCode);
        var drift = (await plane.Client.GetFromJsonAsync<DriftReport>($"/api/tenants/{tenantId}/drift", Json))!;
        Assert.True(drift.Clean);

        var resume = await PostAsync($"/api/tenants/{tenantId}/resume");

        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        var resumed = (await resume.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal(TenantStatuses.Active, resumed.Status);
        Assert.Null(resumed.SuspendReason);
        using (var request = EdgeRequest.Get(host, "/api/customers"))
        {
            var echo = await (await Edge.SendAsync(request)).Content.ReadFromJsonAsync<EchoResponse>();
            Assert.Equal([tenantId], echo!.TenantIds);
        }
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/api/tenants/{tenantId}/resume")).StatusCode);
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{tenantId}/log", Json))!;
        Assert.Contains(log, e => e.Step == "Suspend" && e.Outcome == "completed");
        Assert.Contains(log, e => e.Step == "Resume" && e.Outcome == "completed");

        // A suspended tenant is deprovisioned like an active one: nothing is left.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/api/tenants/{tenantId}/suspend")).StatusCode);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{tenantId}");
        delete.Headers.Add("Prefer", "wait=30");
        var deleted = await plane.Client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(TenantStatuses.Deprovisioned, (await deleted.Content.ReadFromJsonAsync<TenantDto>(Json))!.Status);
        Assert.False(EdgeRoutes.Has(tenantId));
        Assert.Equal(0L, await plane.Pool.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = @s", ("s", schema)));
    }

    [Fact]
    public async Task Bad_suspension_requests_are_refused_clearly_and_change_nothing()
    {
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Steady Sprockets", subscriptionTier = "free", ownerEmail = "owner@steady.example" }))).TenantId;

        var tooLong = await PostAsync($"/api/tenants/{tenantId}/suspend", new { reason = new string('x', 501) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await ProblemAsync(tooLong)).GetProperty("errors").TryGetProperty("reason", out _));

        var resumeActive = await PostAsync($"/api/tenants/{tenantId}/resume");
        Assert.Equal(HttpStatusCode.OK, resumeActive.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/api/tenants/no-such-shop-aaaaaa/suspend")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/api/tenants/NOT%20AN%20ID/suspend")).StatusCode);

        var tenant = (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{tenantId}", Json))!;
        Assert.Equal(TenantStatuses.Active, tenant.Status);
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{tenantId}/log", Json))!;
        Assert.DoesNotContain(log, e => e.Step is "Suspend" or "Resume");
    }
}
