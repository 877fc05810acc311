using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.Bench;

/// <summary>
/// --mode=scale: N free tenants signed up through the Gateway (with its concurrency) onto a shared tier that grows its
/// own pools (bench/run.sh configures a server and drains the seed's default pool). Per block of 1,000: signup p50/p95
/// and tenants/s, the pools there are, the fleet drift check's time and the time to page through the whole tenant list.
/// </summary>
public static class ScaleBench
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(HttpClient http, int tenants, int concurrency, int block)
    {
        // Every tenant goes to pools the control plane creates: the seed's single large pool takes none.
        (await http.PostAsync("/api/pools/default/drain", null)).EnsureSuccessStatusCode();
        var run = Guid.NewGuid().ToString("N")[..6];
        // A running control plane: its code compiled, its connections open (the warm-up's tenants are listed, not timed).
        var warmup = Math.Max(5 * concurrency, 20);
        await Latencies.MeasureAsync("warmup", warmup, concurrency, i => SignUpAsync(http, $"Scale {run} Warmup {i}"));
        await ProcessCpu.UntilServicesIdleAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"scale: {tenants} free tenants through the Gateway (after {warmup} to warm up), {concurrency} concurrent clients, {Environment.ProcessorCount} cores, blocks of {block}");
        Console.WriteLine($"{"tenants",8} {"p50 ms",8} {"p95 ms",8} {"tenants/s",10} {"pools",6} {"drift ms",9} {"clean",6} {"list ms",8} {"listed",7}");
        var firstCost = 0.0;
        var lastCost = 0.0;
        var lastDrift = 0.0;
        for (var done = 0; done < tenants; done += block)
        {
            var size = Math.Min(block, tenants - done);
            var start = done;
            var signups = await Latencies.MeasureAsync("signup", size, concurrency, i => SignUpAsync(http, $"Scale {run} Garage {start + i}"));
            var pools = (await http.GetFromJsonAsync<SharedPoolsReport>("/api/pools", Json))!;
            var drift = Stopwatch.StartNew();
            var report = (await http.GetFromJsonAsync<DriftReport>("/api/drift", Json))!;
            drift.Stop();
            var (listed, listTime) = await ListAllAsync(http);
            var cost = 1 / signups.TenantsPerSecond;
            firstCost = done == 0 ? cost : firstCost;
            (lastCost, lastDrift) = (cost, drift.Elapsed.TotalMilliseconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{done + size,8} {signups.Percentile(50),8:F0} {signups.Percentile(95),8:F0} {signups.TenantsPerSecond,10:F2} {pools.Pools.Count(p => p.Server != "configured"),6} {drift.Elapsed.TotalMilliseconds,9:F0} {report.Clean,6} {listTime.TotalMilliseconds,8:F0} {listed,7}"));
            if (signups.Failures > 0)
            {
                Console.WriteLine($"  {signups.Failures} signups failed (see above)");
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"signup cost (s per tenant at this concurrency), last block / first: {lastCost / firstCost:F2} (target ≤ 1.3): {(lastCost / firstCost <= 1.3 ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drift check at {tenants}: {lastDrift / 1000:F1} s (target ≤ 10 s): {(lastDrift <= 10_000 ? "met" : "NOT met")}"));
    }

    static async Task SignUpAsync(HttpClient http, string company)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
        {
            Content = JsonContent.Create(new { companyName = company, subscriptionTier = "free", ownerEmail = $"{Guid.NewGuid():N}@scale.example" }),
        };
        request.Headers.Add("Prefer", "wait=60");
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The whole tenant list, page by page with the cursor, as the console or a script reads it.</summary>
    static async Task<(int Tenants, TimeSpan Took)> ListAllAsync(HttpClient http)
    {
        var took = Stopwatch.StartNew();
        var count = 0;
        for (string? after = null; ;)
        {
            using var response = await http.GetAsync($"/api/tenants?limit=500{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
            response.EnsureSuccessStatusCode();
            count += (await response.Content.ReadFromJsonAsync<List<TenantDto>>(Json))!.Count;
            after = response.Headers.TryGetValues(TenantListQuery.NextCursorHeader, out var next) ? next.FirstOrDefault() : null;
            if (after is null)
            {
                return (count, took.Elapsed);
            }
        }
    }
}
