using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace MechanicBuddy.Bench;

/// <summary>
/// Dedicated path on the single-host platform: professional signups through the Gateway (request → Active with its own
/// PostgreSQL instance, migrated, seeded and routed), then their deprovisioning. Target: Active within 5 s.
/// </summary>
public static class DedicatedBench
{
    const double TargetMs = 5000;

    public static async Task RunAsync(HttpClient http, int count, int concurrency, string registryConnectionString)
    {
        var ids = new List<string>();
        async Task SignUpAsync(int i, string prefix = "Bench Dedicated")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
            {
                Content = JsonContent.Create(new
                {
                    companyName = $"{prefix} {i}", subscriptionTier = "professional", ownerEmail = $"dedicated{i}-{Guid.NewGuid():N}@example.com",
                    customDomain = $"shop{i}-{Guid.NewGuid():N}"[..20] + ".bench.localhost",
                }),
            };
            request.Headers.Add("Prefer", "wait=60");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadFromJsonAsync<Result>();
            if (response.StatusCode != HttpStatusCode.OK || body?.Status != "Active")
            {
                throw new InvalidOperationException($"{(int)response.StatusCode}: {body?.Status} {body?.ErrorMessage}");
            }
            lock (ids)
            {
                ids.Add(body.TenantId);
            }
        }

        async Task DeprovisionAsync(int i)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{ids[i]}");
            request.Headers.Add("Prefer", "wait=60");
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"deprovision {ids[i]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Console.WriteLine("warming up (1 dedicated tenant)…");
        await Latencies.MeasureAsync("warmup", 1, 1, i => SignUpAsync(i, "Warmup Dedicated"));
        await Latencies.MeasureAsync("warmup-deprovision", 1, 1, DeprovisionAsync);
        ids.Clear();

        var provision = await Latencies.MeasureAsync("dedicated → Active", count, concurrency, i => SignUpAsync(i));
        var deprovision = await Latencies.MeasureAsync("deprovisioned", ids.Count, concurrency, DeprovisionAsync);

        Console.WriteLine();
        Console.WriteLine($"dedicated provisioning (single-host platform), {count} professional tenants, {concurrency} concurrent clients, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"path",-22} {"ok",5} {"fail",5} {"p50 ms",9} {"p95 ms",9} {"tenants/s",10}");
        Console.WriteLine(provision.Row());
        Console.WriteLine(deprovision.Row());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slowest request → Active: {provision.Percentile(100):F0} ms (target ≤ {TargetMs:F0} ms): {(provision.Percentile(100) <= TargetMs ? "met" : "NOT met")}"));
        Console.WriteLine();
        await StepBreakdown.PrintAsync(registryConnectionString, "Bench Dedicated ", state: "Deprovisioned");
    }

    sealed record Result(string TenantId, string Status, string? ErrorMessage);
}
