using System.Net.Http.Json;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

public static class GatewayCalls
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<HttpResponseMessage> SignUpAsync(HttpClient client, object body, int? waitSeconds = 30)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision") { Content = JsonContent.Create(body) };
        if (waitSeconds is { } wait)
        {
            request.Headers.Add("Prefer", $"wait={wait}");
        }
        return await client.SendAsync(request);
    }

    /// <summary>POST /api/tenants/{id}/tier, waiting up to <paramref name="wait"/> seconds for the change to finish or roll back.</summary>
    public static async Task<HttpResponseMessage> ChangeTierAsync(HttpClient client, string tenantId, object body, int wait = 90)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenantId}/tier") { Content = JsonContent.Create(body) };
        request.Headers.Add("Prefer", $"wait={wait}");
        return await client.SendAsync(request);
    }

    public static async Task<TenantProvisioningResult> ResultAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<TenantProvisioningResult>(Json))!;

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    /// <summary>Polls a status URL until the tenant leaves <paramref name="transient"/> (the way a dashboard would).</summary>
    public static async Task<T> PollAsync<T>(HttpClient client, string url, Func<T, string> status, string transient, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var current = (await client.GetFromJsonAsync<T>(url, Json))!;
            if (status(current) != transient || DateTime.UtcNow > deadline)
            {
                return current;
            }
            await Task.Delay(100);
        }
    }
}
