using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// Signups that try to take what another tenant has, through the whole control plane: a live tenant's custom domain
/// (alone and in a race), an address as a domain, and an Idempotency-Key replayed for another company to get the
/// first tenant's id suffix and admin password.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class HostileSignupTests(ControlPlaneFixture plane)
{
    static object Professional(string company, string domain) =>
        new { companyName = company, subscriptionTier = "professional", ownerEmail = $"owner@{Guid.NewGuid():N}.example", customDomain = domain };

    async Task<int> LiveTenantsWithDomainAsync(string domain)
    {
        var tenants = (await plane.Client.GetFromJsonAsync<List<TenantDto>>("/api/tenants?limit=500", Json))!;
        return tenants.Count(t => t.CustomDomain == domain && t.Status is not ("Failed" or "Deprovisioned"));
    }

    [Fact]
    public async Task A_live_tenants_custom_domain_cannot_be_taken_by_another_signup_and_nothing_is_built_for_it()
    {
        var domain = $"shop{Guid.NewGuid():N}"[..16] + ".victim.localhost";
        var victim = await ResultAsync(await SignUpAsync(plane.Client, Professional("Victim Motors", domain)));
        Assert.Equal("Active", victim.Status);

        // The same host in another case, with a trailing dot: the same domain.
        var takeover = await SignUpAsync(plane.Client, Professional("Attacker Motors", domain.ToUpperInvariant() + "."));

        Assert.Equal(HttpStatusCode.Conflict, takeover.StatusCode);
        var problem = await ProblemAsync(takeover);
        Assert.Contains(domain, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await LiveTenantsWithDomainAsync(domain));
        var tenants = (await plane.Client.GetFromJsonAsync<List<TenantDto>>("/api/tenants?limit=500", Json))!;
        Assert.DoesNotContain(tenants, t => t.CompanyName == "Attacker Motors");
        // The edge still sends the host to the victim.
        var route = await new TenantSides(plane).EdgeAsync(victim.TenantId, domain);
        Assert.Equal([victim.TenantId], route.TenantIds);
    }

    [Fact]
    public async Task Two_signups_racing_for_one_custom_domain_give_it_to_exactly_one()
    {
        var domain = $"race{Guid.NewGuid():N}"[..16] + ".contested.localhost";

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SignUpAsync(plane.Client, Professional($"Racer {i} Garage", domain), waitSeconds: null)));

        var codes = responses.Select(r => r.StatusCode).ToList();
        Assert.Single(codes, c => c is HttpStatusCode.Accepted or HttpStatusCode.OK);
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.Conflict));
        Assert.Equal(1, await LiveTenantsWithDomainAsync(domain));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("victim." + ControlPlaneFixture.BaseDomain)]
    public async Task An_address_or_our_own_domain_is_not_a_custom_domain(string domain)
    {
        var response = await SignUpAsync(plane.Client, Professional("Address Garage", domain));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("customDomain", out _));
    }

    [Fact]
    public async Task A_key_replayed_for_another_company_is_a_422_and_shares_nothing_with_the_first_tenant()
    {
        var key = Guid.NewGuid().ToString();
        using var first = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
        {
            Content = JsonContent.Create(new { companyName = "First Key Garage", subscriptionTier = "free", ownerEmail = "owner@firstkey.example" }),
        };
        first.Headers.Add("Idempotency-Key", key);
        first.Headers.Add("Prefer", "wait=30");
        var original = await ResultAsync(await plane.Client.SendAsync(first));

        using var replay = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
        {
            Content = JsonContent.Create(new { companyName = "Other Company Ltd", subscriptionTier = "free", ownerEmail = "owner@other.example" }),
        };
        replay.Headers.Add("Idempotency-Key", key);
        replay.Headers.Add("Prefer", "wait=30");
        var reused = await plane.Client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        var body = await reused.Content.ReadAsStringAsync();
        Assert.DoesNotContain(original.AdminPassword!, body, StringComparison.Ordinal);
        Assert.Contains(original.TenantId, (await ProblemAsync(reused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var tenants = (await plane.Client.GetFromJsonAsync<List<TenantDto>>("/api/tenants?limit=500", Json))!;
        Assert.DoesNotContain(tenants, t => t.CompanyName == "Other Company Ltd");
        // No tenant shares the first one's random suffix.
        var suffix = original.TenantId[(original.TenantId.LastIndexOf('-') + 1)..];
        Assert.Single(tenants, t => t.Id.EndsWith("-" + suffix, StringComparison.Ordinal));
    }
}

/// <summary>What one client may ask of the Gateway: signups per minute, body size.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GatewayLimitTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task A_client_past_its_signups_per_minute_gets_a_429_with_retry_after_and_other_clients_do_not()
    {
        // A token of its own, so the suite's other signups do not count against it (the limit is per client).
        using var flooder = plane.Authorized(MechanicBuddy.Gateway.Security.OperatorTokens.Mint(plane.Auth, $"flooder-{Guid.NewGuid():N}",
            [MechanicBuddy.Gateway.Security.AuthOptions.SuperAdminRole], TimeSpan.FromMinutes(10)));
        var invalid = new { companyName = "", subscriptionTier = "free", ownerEmail = "x@example.com" };
        var codes = new List<HttpStatusCode>();
        for (var batch = 0; batch < ControlPlaneFixture.SignupsPerMinute / 50 + 1; batch++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SignUpAsync(flooder, invalid, waitSeconds: null)));
            codes.AddRange(responses.Select(r => r.StatusCode));
            var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            if (limited is not null)
            {
                Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
                Assert.Contains("signups a minute", (await ProblemAsync(limited)).GetProperty("detail").GetString(), StringComparison.Ordinal);
                break;
            }
        }
        Assert.Equal(ControlPlaneFixture.SignupsPerMinute, codes.Count(c => c == HttpStatusCode.BadRequest));
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        // Another client is not held back.
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUpAsync(plane.Client, invalid, waitSeconds: null)).StatusCode);
    }

    [Fact]
    public async Task A_body_larger_than_the_limit_is_a_413_and_creates_nothing()
    {
        var huge = new { companyName = new string('A', 200_000), subscriptionTier = "free", ownerEmail = "owner@huge.example" };

        var response = await SignUpAsync(plane.Client, huge, waitSeconds: null);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
