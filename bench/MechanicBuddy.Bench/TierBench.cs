using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;

namespace MechanicBuddy.Bench;

/// <summary>
/// --mode=tier: whole tier changes through the control plane: a free tenant holding about <c>rows</c> rows is upgraded
/// to professional (its own instance) and, after the old side's grace period, downgraded back, <c>rounds</c> times.
/// Prints, per change, the wall time of the request and each phase from the tenant's log (build target, freeze, copy,
/// verify, switch), the read-only window (freeze started → route switched) and the time per 10,000 rows.
/// </summary>
public static class TierBench
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    static readonly string[] Phases = ["TierTargetReady", "TierFreeze", "TierCopy", "TierVerify", "TierSwitchRoute"];

    public static async Task RunAsync(HttpClient http, string server, int rows, int rounds)
    {
        var signup = new { companyName = $"Tier Bench {DateTime.UtcNow:HHmmss}", subscriptionTier = "free", ownerEmail = $"tier-{Guid.NewGuid():N}@example.com" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision") { Content = JsonContent.Create(signup) };
        request.Headers.Add("Prefer", "wait=60");
        var result = (await (await http.SendAsync(request)).Content.ReadFromJsonAsync<TenantProvisioningResult>(Json))!;
        var id = result.TenantId;
        var schema = new TenantNames(id).Schema;
        await using (var pool = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server + ";Database=mechanicbuddy_shared") { SearchPath = schema }.ConnectionString))
        await using (var fill = pool.CreateCommand(ShopSampleData.InsertSql((int)Math.Ceiling(rows / 7.42))))
        {
            fill.CommandTimeout = 600;
            await fill.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"tier-change benchmark: tenant {id} with about {rows} rows, {rounds} round(s) of free → professional → free");
        var perTenK = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var tier in new[] { SubscriptionTiers.Professional, SubscriptionTiers.Free })
            {
                await WaitForOldSideAsync(http, id);
                var seen = (await LogAsync(http, id)).Count;
                var clock = Stopwatch.StartNew();
                using var change = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{id}/tier") { Content = JsonContent.Create(new { newTier = tier }) };
                change.Headers.Add("Prefer", "wait=120");
                var tenant = (await (await http.SendAsync(change)).Content.ReadFromJsonAsync<TenantDto>(Json))!;
                var wall = clock.Elapsed.TotalMilliseconds;
                if (tenant.SubscriptionTier != tier)
                {
                    throw new InvalidOperationException($"change to {tier} ended {tenant.Status} on {tenant.SubscriptionTier}: {tenant.TierChangeError}");
                }
                var log = (await LogAsync(http, id)).Skip(seen).ToList();
                var started = log.First(e => e.Step == "TierChange" && e.Outcome == "started").Timestamp;
                var done = Phases.ToDictionary(p => p, p => log.First(e => e.Step == p && e.Outcome == "completed").Timestamp);
                var copied = long.Parse(log.First(e => e.Step == "TierCopy" && e.Outcome == "completed").Message.Split(' ')[0], CultureInfo.InvariantCulture);
                var window = (done["TierSwitchRoute"] - done["TierTargetReady"]).TotalMilliseconds;
                var moved = (done["TierVerify"] - done["TierFreeze"]).TotalMilliseconds;
                perTenK.Add(moved * 10_000 / copied);
                var previous = started;
                var phases = string.Join(", ", Phases.Select(p =>
                {
                    var ms = (done[p] - previous).TotalMilliseconds;
                    previous = done[p];
                    return string.Create(CultureInfo.InvariantCulture, $"{p} {ms:0} ms");
                }));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"→ {tier}: {copied} rows, request {wall:0} ms; {phases}; read-only window {window:0} ms; copy + verify {moved:0} ms ({moved * 10_000 / copied:0} ms per 10,000 rows)"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"copy + verify per 10,000 rows: median {perTenK.Order().ElementAt(perTenK.Count / 2):0} ms over {perTenK.Count} changes"));
    }

    static async Task<List<ProvisioningLogEntry>> LogAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{id}/log", Json))!;

    /// <summary>The next change waits until the last one's old side is gone (a change is refused while it is kept).</summary>
    static async Task WaitForOldSideAsync(HttpClient http, string id)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await http.GetFromJsonAsync<TenantDto>($"/api/tenants/{id}", Json))!.Retiring is null)
            {
                return;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("the old side was not removed within 150 s");
    }
}
