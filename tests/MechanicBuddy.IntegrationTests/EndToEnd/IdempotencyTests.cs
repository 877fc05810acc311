using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>Idempotency-Key on signup, and the same shop signing up while its first signup is still in flight.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class IdempotencyTests(ControlPlaneFixture plane)
{
    static async Task<HttpResponseMessage> SignUpWithKeyAsync(HttpClient client, object body, string key, int? wait = 30)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        if (wait is { } seconds)
        {
            request.Headers.Add("Prefer", $"wait={seconds}");
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_same_key_sent_ten_times_at_once_gives_one_tenant_and_the_same_answer()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { companyName = "Tenfold Tyres", subscriptionTier = "free", ownerEmail = "owner@tenfold.example" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SignUpWithKeyAsync(plane.Client, body, key)));

        var unexpected = new List<string>();
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            unexpected.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        var results = await Task.WhenAll(responses.Select(ResultAsync));
        Assert.Single(results.Select(r => r.TenantId).Distinct());
        Assert.Single(results.Select(r => r.AdminPassword).Distinct());
        Assert.All(results, r => Assert.Equal(TenantStatuses.Active, r.Status));
        var tenantId = results[0].TenantId;
        var tenants = (await plane.Client.GetFromJsonAsync<List<TenantDto>>("/api/tenants?limit=500", Json))!;
        Assert.Single(tenants, t => t.CompanyName == "Tenfold Tyres");
        // The one password every answer showed is the one the shop's admin has.
        var names = new TenantNames(tenantId);
        var hash = await plane.Pool.ScalarAsync<string>($"SELECT password_hash FROM {names.Schema}.users WHERE username = 'admin'");
        Assert.True(AdminPasswords.Verify(results[0].AdminPassword!, hash!));
        // Sent again later, it is still the same answer.
        var later = await ResultAsync(await SignUpWithKeyAsync(plane.Client, body, key));
        Assert.Equal((tenantId, results[0].AdminPassword), (later.TenantId, later.AdminPassword));
    }

    [Fact]
    public async Task A_key_reused_for_a_different_signup_is_a_422_and_changes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        var first = await ResultAsync(await SignUpWithKeyAsync(plane.Client,
            new { companyName = "Keyed Kars", subscriptionTier = "free", ownerEmail = "owner@keyed.example" }, key));

        var reused = await SignUpWithKeyAsync(plane.Client, new { companyName = "Keyed Kars", subscriptionTier = "free", ownerEmail = "someone@else.example" }, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        var problem = await ProblemAsync(reused);
        Assert.Contains(first.TenantId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var tenant = (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{first.TenantId}", Json))!;
        Assert.Equal("owner@keyed.example", tenant.OwnerEmail);
    }

    [Fact]
    public async Task A_bad_key_is_refused_with_the_other_errors()
    {
        var response = await SignUpWithKeyAsync(plane.Client, new { companyName = "", subscriptionTier = "free", ownerEmail = "x@example.com" }, "has spaces in it");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("Idempotency-Key", out _));
        Assert.True(errors.TryGetProperty("companyName", out _));
    }

    [Fact]
    public async Task The_same_shop_while_its_signup_is_in_flight_is_a_409()
    {
        var body = new { companyName = "In Flight Autos", subscriptionTier = "professional", ownerEmail = "owner@inflight.example" };
        var first = await SignUpAsync(plane.Client, body, waitSeconds: null);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var second = await SignUpAsync(plane.Client, body, waitSeconds: null);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await ProblemAsync(second);
        Assert.Contains((await ResultAsync(first)).TenantId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
