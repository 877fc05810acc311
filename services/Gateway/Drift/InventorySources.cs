using System.Net.Http.Json;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.Gateway.Drift;

/// <summary>The workers' inventory APIs (Services:SharedTierProvisioner and Services:DedicatedProvisioner: BaseUrl, ApiKey).</summary>
public sealed class InventorySources(IHttpClientFactory clients, IConfiguration configuration, ILogger<InventorySources> logger)
{
    public static readonly string[] Workers = ["SharedTierProvisioner", "DedicatedProvisioner"];
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="versionsOf">Whose shop-schema versions the workers read (each a login into the shop): "*" for every
    /// shop, one tenant's id, or null for none.</param>
    public async Task<(IReadOnlyList<Inventory> Inventories, IReadOnlyList<string> Unreachable)> CollectAsync(string? versionsOf, CancellationToken cancellationToken)
    {
        var query = versionsOf is null ? "" : $"?versions={Uri.EscapeDataString(versionsOf)}";
        var results = await Task.WhenAll(Workers.Select(async worker =>
        {
            var baseUrl = configuration[$"Services:{worker}:BaseUrl"];
            if (string.IsNullOrEmpty(baseUrl))
            {
                return (worker, (Inventory?)null, "not configured");
            }
            try
            {
                var client = clients.CreateClient(nameof(InventorySources));
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl), "/internal/inventory" + query));
                request.Headers.Add("X-Service-Key", configuration[$"Services:{worker}:ApiKey"] ?? "");
                using var response = await client.SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
                return (worker, await response.Content.ReadFromJsonAsync<Inventory>(Json, cancellationToken), (string?)null);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                logger.LogWarning(ex, "Inventory of {Worker} unavailable", worker);
                return (worker, null, ex.Message);
            }
        }));
        return ([.. results.Where(r => r.Item2 is not null).Select(r => r.Item2!)],
                [.. results.Where(r => r.Item2 is null).Select(r => $"{r.worker}: {r.Item3}")]);
    }
}
