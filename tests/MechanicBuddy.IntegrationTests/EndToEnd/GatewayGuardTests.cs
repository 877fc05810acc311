using System.Net;
using System.Net.Http.Json;
using System.Text;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>What the Gateway refuses, and that a refusal leaves nothing behind.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GatewayGuardTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task A_bad_signup_gets_a_400_problem_listing_every_error_and_creates_nothing()
    {
        var before = await TenantCountAsync();

        var response = await SignUpAsync(plane.Client, new { companyName = "", subscriptionTier = "platinum", ownerEmail = "not-an-email", customDomain = "bad domain!" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["companyName", "customDomain", "ownerEmail", "subscriptionTier"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("platinum", errors.GetProperty("subscriptionTier")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await TenantCountAsync());
    }

    [Fact]
    public async Task A_free_signup_with_a_custom_domain_is_refused_with_the_reason()
    {
        var response = await SignUpAsync(plane.Client, new { companyName = "Free Domain Shop", subscriptionTier = "free", ownerEmail = "a@b.example", customDomain = "shop.example.com" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await ProblemAsync(response)).GetProperty("errors").GetProperty("customDomain")[0].GetString();
        Assert.Contains("not available on the free tier", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("';--")]
    [InlineData("\u0000\u0007")]
    public async Task Names_without_letters_or_with_control_characters_are_refused(string companyName)
    {
        var response = await SignUpAsync(plane.Client, new { companyName, subscriptionTier = "free", ownerEmail = "x@y.example" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("companyName", out _));
    }

    [Fact]
    public async Task A_ten_thousand_character_name_is_refused_without_echoing_it_back()
    {
        var response = await SignUpAsync(plane.Client, new { companyName = new string('A', 10_000), subscriptionTier = "free", ownerEmail = "x@y.example" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("at most 200 characters", body, StringComparison.Ordinal);
        Assert.True(body.Length < 2_000);
    }

    [Theory]
    [InlineData("O'Brien's \"Garage\"; DROP TABLE tenants;--", "obriens-garage")]
    [InlineData("Åsa's Bilverkstad", "asas-bilverkstad")]
    [InlineData("日本 Motors", "motors")]
    public async Task Hostile_or_foreign_names_become_safe_ids(string companyName, string expectedSlug)
    {
        var response = await SignUpAsync(plane.Client, new { companyName, subscriptionTier = "free", ownerEmail = $"{Guid.NewGuid():N}@example.com" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ResultAsync(response);
        Assert.StartsWith(expectedSlug + "-", result.TenantId, StringComparison.Ordinal);
        Assert.True(TenantIds.IsValid(result.TenantId));
        Assert.Equal(TenantStatuses.Active, result.Status);
        Assert.Equal(companyName, result.CompanyName);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var content = new StringContent("{\"companyName\": ", Encoding.UTF8, "application/json");
        var response = await plane.Client.PostAsync("/api/provisioning/provision", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Only_a_super_admin_may_call_the_api()
    {
        var body = new { companyName = "Sneaky Shop", subscriptionTier = "free", ownerEmail = "s@example.com" };
        using var anonymous = plane.Authorized(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignUpAsync(anonymous, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/tenants")).StatusCode);

        using var mechanic = plane.Authorized(OperatorTokens.Mint(plane.Auth, "mechanic", ["Mechanic"], TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Forbidden, (await SignUpAsync(mechanic, body)).StatusCode);

        var forged = new AuthOptions { SigningKey = new string('k', 48), Issuer = plane.Auth.Issuer, Audience = plane.Auth.Audience };
        using var forger = plane.Authorized(OperatorTokens.Mint(forged, "forger", [AuthOptions.SuperAdminRole], TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignUpAsync(forger, body)).StatusCode);

        using var expired = plane.Authorized(OperatorTokens.Mint(plane.Auth, "late", [AuthOptions.SuperAdminRole], DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddMinutes(-5)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/tenants")).StatusCode);
    }

    [Fact]
    public async Task Unknown_and_invalid_tenant_ids_get_clear_answers()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Client.GetAsync("/api/tenants/nobody-abc123")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Client.GetAsync("/api/provisioning/nobody-abc123")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Client.DeleteAsync("/api/tenants/nobody-abc123")).StatusCode);
        var invalid = await plane.Client.GetAsync("/api/tenants/DROP%20TABLE");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await ProblemAsync(invalid)).GetProperty("errors").TryGetProperty("tenantId", out _));
        var badPage = await plane.Client.GetAsync("/api/tenants?limit=100000&status=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
    }

    [Fact]
    public async Task The_registry_serves_tenant_data_only_to_holders_of_the_service_key()
    {
        using var direct = new HttpClient { BaseAddress = plane.RegistryService.Url };
        var refused = await direct.GetAsync("/api/tenants");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await direct.GetAsync("/api/tenants/quick-fix-x7y8z9/log")).StatusCode);

        direct.DefaultRequestHeaders.Add("X-Service-Key", "wrong-" + plane.RegistryKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await direct.GetAsync("/api/tenants")).StatusCode);

        using var keyed = new HttpClient { BaseAddress = plane.RegistryService.Url };
        keyed.DefaultRequestHeaders.Add("X-Service-Key", plane.RegistryKey);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/tenants")).StatusCode);
        // Health stays open for probes.
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task The_gateway_serves_its_openapi_document_and_interactive_docs()
    {
        using var anonymous = plane.Authorized(null);
        var document = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/provisioning/provision", document, StringComparison.Ordinal);
        Assert.Contains("/api/tenants/{tenantId}", document, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar/v1")).StatusCode);
    }

    async Task<int> TenantCountAsync() => (await plane.Client.GetFromJsonAsync<List<TenantDto>>("/api/tenants?limit=500", Json))!.Count;
}
