using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MechanicBuddy.Bench;
using MechanicBuddy.Gateway.Security;
using Npgsql;

// MechanicBuddy provisioning benchmark (see bench/run.sh, which starts a control plane of its own for it).
// Provisions N free tenants with C concurrent clients through the Gateway (request → Active, Prefer: wait) and, in
// the same run, performs the same SQL work directly; prints p50/p95 latency and tenants/s for both and their ratio.
// --mode=dedicated instead provisions professional tenants on the single-host platform (see DedicatedBench);
// --mode=copy times the data move and verification of a tier change (see CopyBench); --mode=tier whole tier changes
// through the control plane (see TierBench).
var settings = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
string Setting(string name, string fallback) => settings.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable("BENCH_" + name.ToUpperInvariant()) ?? fallback;
var count = int.Parse(Setting("tenants", "100"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(Setting("concurrency", "4"), CultureInfo.InvariantCulture);
var gateway = new Uri(Setting("gateway", "http://127.0.0.1:5200"));
var token = Setting("token", "");
var server = Setting("server", "Host=127.0.0.1;Port=55434;Username=mechanicbuddy;Password=mechanicbuddy-local");
var rounds = int.Parse(Setting("rounds", "5"), CultureInfo.InvariantCulture);
if (Setting("mode", "free") == "dedicated")
{
    using var dedicatedHttp = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(120) };
    dedicatedHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    await DedicatedBench.RunAsync(dedicatedHttp, int.Parse(Setting("tenants", "10"), CultureInfo.InvariantCulture),
        int.Parse(Setting("concurrency", "1"), CultureInfo.InvariantCulture), server + ";Database=mechanicbuddy_registry");
    return 0;
}
if (Setting("mode", "free") == "tier")
{
    using var tierHttp = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(180) };
    tierHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    await TierBench.RunAsync(tierHttp, server, int.Parse(Setting("rows", "100000"), CultureInfo.InvariantCulture), int.Parse(Setting("rounds", "2"), CultureInfo.InvariantCulture));
    return 0;
}
if (Setting("mode", "free") == "fleet")
{
    using var fleetHttp = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(180) };
    fleetHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    // --pools=name:database,… as bench/run.sh configured the shared tier.
    var pools = Setting("pools", "default:mechanicbuddy_shared").Split(',').Select(p => p.Split(':', 2)).ToDictionary(p => p[0], p => p[1]);
    await FleetBench.RunAsync(fleetHttp, new FleetBench.Settings(int.Parse(Setting("tenants", "1000"), CultureInfo.InvariantCulture),
        int.Parse(Setting("instances", "20"), CultureInfo.InvariantCulture), pools, int.Parse(Setting("per-server", "4"), CultureInfo.InvariantCulture),
        int.Parse(Setting("baseline", "200"), CultureInfo.InvariantCulture), server, Setting("var", ""), Setting("direct-database", "")));
    return 0;
}
if (Setting("mode", "free") == "scale")
{
    using var scaleHttp = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(300) };
    scaleHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    await ScaleBench.RunAsync(scaleHttp, int.Parse(Setting("tenants", "10000"), CultureInfo.InvariantCulture),
        int.Parse(Setting("concurrency", "8"), CultureInfo.InvariantCulture), int.Parse(Setting("block", "1000"), CultureInfo.InvariantCulture));
    return 0;
}
if (Setting("mode", "free") == "copy")
{
    await CopyBench.RunAsync(server, int.Parse(Setting("rows", "100000"), CultureInfo.InvariantCulture), int.Parse(Setting("rounds", "3"), CultureInfo.InvariantCulture));
    return 0;
}
// A running control plane has its code compiled and its pools filled; a warm-up of a few signups per client gets
// the services there (tiered JIT, connection pools), so the figures are of the steady state, not of a cold start.
var warmup = int.Parse(Setting("warmup", Math.Max(concurrency * 5, 20).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

// Prepared as a pool by bench/run.sh (scripts/infra.sh prepare-pool): the direct path makes roles as the worker does.
var directDatabase = Setting("direct-database", "");

// The Gateway hashes each admin password (PBKDF2, 100k rounds); the direct path gets a hash computed the same way,
// outside its timing, so it is measured doing SQL work only.
var hash = AdminPasswords.Hash(AdminPasswords.Generate());
await using var direct = new DirectSqlPath(server + $";Database={directDatabase}");
using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(120) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

async Task SignUpAsync(int i, string prefix = "Bench Garage")
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision")
    {
        Content = JsonContent.Create(new { companyName = $"{prefix} {i}", subscriptionTier = "free", ownerEmail = $"bench{i}-{Guid.NewGuid():N}@example.com" }),
    };
    request.Headers.Add("Prefer", "wait=60");
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    if (response.StatusCode != HttpStatusCode.OK || !body.Contains("\"status\":\"Active\"", StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
    }
}

Console.WriteLine($"warming up ({warmup} tenants per path)…");
await Latencies.MeasureAsync("warmup-direct", warmup, concurrency, i => direct.ProvisionAsync($"Warmup Direct {i}", hash, record: false));
await Latencies.MeasureAsync("warmup-gateway", warmup, concurrency, i => SignUpAsync(-1 - i, "Warmup Garage"));
// The runtime recompiles hot code (tier 1) in the background once a burst of new code settles: on two cores that
// costs a core for a second or two, which belongs to the start, not to a round.
Console.WriteLine($"services idle after {await ProcessCpu.UntilServicesIdleAsync(TimeSpan.FromSeconds(30)):F1} s");

// The paths alternate in rounds so that drift on this small machine (autovacuum, WAL, caches, a busy neighbour)
// falls on both alike; latencies and wall times are pooled per path.
var directRounds = new List<Latencies>();
var gatewayRounds = new List<Latencies>();
var (directCpu, gatewayCpu) = (new ProcessCpu.Spent(), new ProcessCpu.Spent());
for (var round = 0; round < rounds; round++)
{
    var first = round * count / rounds;
    var size = (round + 1) * count / rounds - first;
    var before = ProcessCpu.Read();
    directRounds.Add(await Latencies.MeasureAsync("direct SQL", size, concurrency, i => direct.ProvisionAsync($"Direct Garage {first + i}", hash)));
    var between = ProcessCpu.Read();
    gatewayRounds.Add(await Latencies.MeasureAsync("gateway → Active", size, concurrency, i => SignUpAsync(first + i)));
    directCpu.Add(before, between);
    gatewayCpu.Add(between, ProcessCpu.Read());
}
var directRun = Latencies.Pool(directRounds);
var gatewayRun = Latencies.Pool(gatewayRounds);

Console.WriteLine();
Console.WriteLine($"free-tier provisioning, {count} tenants per path in {rounds} alternating rounds, {concurrency} concurrent clients, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"path",-22} {"ok",5} {"fail",5} {"p50 ms",9} {"p95 ms",9} {"tenants/s",10}");
Console.WriteLine(directRun.Row());
Console.WriteLine(gatewayRun.Row());
var ratio = gatewayRun.TenantsPerSecond / directRun.TenantsPerSecond;
var p50Delta = gatewayRun.Percentile(50) - directRun.Percentile(50);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput ratio gateway/direct: {ratio:P0} (target ≥ 80 %): {(ratio >= 0.8 ? "met" : "NOT met")}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p50 gateway − direct: {p50Delta:F0} ms (target ≤ 100 ms): {(p50Delta <= 100 ? "met" : "NOT met")}"));
Console.WriteLine();
await StepBreakdown.PrintAsync(server + ";Database=mechanicbuddy_registry", "Bench Garage ");
direct.PrintStepTimes();
Console.WriteLine();
ProcessCpu.Print(directCpu, gatewayCpu, count);

return directRun.Failures + gatewayRun.Failures == 0 ? 0 : 1;
