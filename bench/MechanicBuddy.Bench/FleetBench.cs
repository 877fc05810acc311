using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MechanicBuddy.Bench;

/// <summary>
/// <c>--mode=fleet</c>: shops an earlier release built (schema version 2) — free ones spread over several pools and
/// professional ones on instances of their own — are rolled out to the newest version through the Gateway
/// (<c>POST /api/fleet/migrations</c>), and the same migration runs twice directly on fresh version-2 schemas in one
/// pool: a sequential loop, and a loop at the rollout's concurrency (the physical limit of this machine). Prints
/// tenants/s and per-tenant p50/p95 for all three, and the time each tenant's tables were locked.
/// </summary>
public static class FleetBench
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    static readonly ShopSchemaMigrator Migrator = new(NullLogger<ShopSchemaMigrator>.Instance);
    static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(2);

    public sealed record Settings(int SharedTenants, int Instances, IReadOnlyDictionary<string, string> PoolDatabases, int PerServer, int Baseline,
        string Server, string Var, string DirectDatabase);

    public static async Task RunAsync(HttpClient http, Settings settings)
    {
        Console.WriteLine($"signing up {settings.SharedTenants} free shops over {settings.PoolDatabases.Count} pools and {settings.Instances} professional shops on instances…");
        var shared = await SignUpAsync(http, settings.SharedTenants, 8, i => new { companyName = $"Fleet Shop {i}", subscriptionTier = "free", ownerEmail = $"fleet{i}@bench.example" });
        var dedicated = await SignUpAsync(http, settings.Instances, 2, i => new
        {
            companyName = $"Fleet Instance {i}", subscriptionTier = "professional", ownerEmail = $"instance{i}@bench.example", customDomain = $"fleet{i}.bench.localhost",
        });
        var all = shared.Concat(dedicated).ToList();
        Console.WriteLine($"setting {all.Count} shops back to version 2, as an earlier release left them…");
        await Latencies.MeasureAsync("downgrade", all.Count, 8, i => DowngradeAsync(all[i], settings));
        await using (var registry = NpgsqlDataSource.Create(settings.Server + ";Database=mechanicbuddy_registry"))
        await using (var record = registry.CreateCommand(EarlierRelease.RecordSql))
        {
            record.Parameters.AddWithValue("ids", all.Select(t => t.Id).ToArray());
            await record.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"rolling version {ShopSchemaVersions.Latest} out (canary 1, then waves of 200, {settings.PerServer} at once per server)…");
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var start = await http.PostAsJsonAsync("/api/fleet/migrations", new
        {
            selection = new { tenantIds = all.Select(t => t.Id).ToArray() }, canaryCount = 1, batchSize = 200, maxConcurrencyPerServer = settings.PerServer,
            failureThreshold = all.Count, lockTimeoutMs = (int)LockTimeout.TotalMilliseconds,
        });
        if (start.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"rollout refused: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}");
        }
        var id = (await start.Content.ReadFromJsonAsync<FleetMigrationDto>(Json))!.Id;
        FleetMigrationDto rollout;
        while ((rollout = (await http.GetFromJsonAsync<FleetMigrationDto>($"/api/fleet/migrations/{id}", Json))!).State == "Running")
        {
            await Task.Delay(100);
        }
        wall.Stop();
        var migrated = rollout.Tenants.Where(t => t.State == "Migrated").ToList();
        var fleet = new Latencies("rollout (Gateway)", migrated.Select(t => (double)t.DurationMs!.Value).ToList(), wall.Elapsed, rollout.Tenants.Count - migrated.Count);

        Console.WriteLine($"the same migration directly, on {settings.Baseline} fresh version-2 schemas per loop…");
        var sequential = await DirectAsync("direct, sequential", settings, 1);
        var concurrency = settings.PerServer * settings.PoolDatabases.Count;
        var parallel = await DirectAsync($"direct, {concurrency} at once", settings, concurrency);

        Console.WriteLine();
        Console.WriteLine($"fleet schema rollout, version 2 → {ShopSchemaVersions.Latest}: {settings.SharedTenants} shared shops in {settings.PoolDatabases.Count} pools + {settings.Instances} instances, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"path",-22} {"ok",5} {"fail",5} {"p50 ms",9} {"p95 ms",9} {"tenants/s",10}");
        Console.WriteLine(fleet.Row());
        Console.WriteLine(sequential.Row());
        Console.WriteLine(parallel.Row());
        var ratio = fleet.TenantsPerSecond / parallel.TenantsPerSecond;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput rollout/parallel direct: {ratio:P0} (target ≥ 80 %): {(ratio >= 0.8 ? "met" : "NOT met")}"));
        var locks = migrated.Select(t => (double)(t.LockedMs ?? 0)).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tables locked per tenant (ms): p50 {locks[locks.Length / 2]:F0}, p95 {locks[(int)(locks.Length * 0.95)]:F0}, max {locks[^1]:F0}"));
        foreach (var group in migrated.GroupBy(t => t.DeploymentMode))
        {
            var durations = group.Select(t => (double)t.DurationMs!.Value).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {group.Key}: {durations.Length} migrated, per tenant p50 {durations[durations.Length / 2]:F0} ms, p95 {durations[(int)(durations.Length * 0.95)]:F0} ms"));
        }
        foreach (var failed in rollout.Tenants.Where(t => t.State != "Migrated").Take(5))
        {
            Console.WriteLine($"  not migrated: {failed.TenantId} {failed.State} {failed.Error}");
        }
    }

    static async Task<List<TenantDto>> SignUpAsync(HttpClient http, int count, int concurrency, Func<int, object> body)
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var run = await Latencies.MeasureAsync("signup", count, concurrency, async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/provision") { Content = JsonContent.Create(body(i)) };
            request.Headers.Add("Prefer", "wait=120");
            using var response = await http.SendAsync(request);
            var result = await response.Content.ReadFromJsonAsync<TenantProvisioningResult>(Json);
            if (response.StatusCode != HttpStatusCode.OK || result?.Status != TenantStatuses.Active)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode}: {result?.Status} {result?.ErrorMessage}");
            }
            ids.Add(result.TenantId);
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {ids.Count} signed up in {run.Wall.TotalSeconds:F0} s"));
        var tenants = new List<TenantDto>();
        foreach (var id in ids)
        {
            tenants.Add((await http.GetFromJsonAsync<TenantDto>($"/api/tenants/{id}", Json))!);
        }
        return tenants;
    }

    /// <summary>Logged in as the shop's own role (its tables are its own): the objects of 0003 and 0004 and their journal rows go.</summary>
    static async Task DowngradeAsync(TenantDto tenant, Settings settings)
    {
        var names = new TenantNames(tenant.Id);
        var dedicated = tenant.DeploymentMode == DeploymentModes.Dedicated;
        var password = (await File.ReadAllTextAsync(Path.Combine(settings.Var, dedicated ? "dedicated-secrets" : "secrets", tenant.Id, "database-password"))).Trim();
        var server = new NpgsqlConnectionStringBuilder(settings.Server) { Username = names.Role, Password = password, Pooling = false };
        if (dedicated)
        {
            using var marker = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(settings.Var, "tenants", $"tenant-{tenant.Id}", "instance.json")));
            server.Port = marker.RootElement.GetProperty("Port").GetInt32();
            server.Database = "mechanicbuddy";
        }
        else
        {
            server.Database = settings.PoolDatabases[tenant.Pool!];
        }
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var downgrade = new NpgsqlCommand(EarlierRelease.SetBackSql(names.Schema), connection);
        await downgrade.ExecuteNonQueryAsync();
    }

    /// <summary>Fresh shops at version 2 in the direct pool, then each migrated to the newest by the same migrator, <paramref name="concurrency"/> at a time.</summary>
    static async Task<Latencies> DirectAsync(string path, Settings settings, int concurrency)
    {
        await using var direct = new DirectSqlPath(settings.Server + $";Database={settings.DirectDatabase}");
        var shops = new System.Collections.Concurrent.ConcurrentQueue<(TenantNames Names, string Password)>();
        await Latencies.MeasureAsync("prepare", settings.Baseline, 8, async i => shops.Enqueue(await direct.CreateAtVersionAsync($"Direct Fleet {path} {i}", EarlierRelease.Version)));
        var list = shops.ToList();
        return await Latencies.MeasureAsync(path, list.Count, concurrency, i =>
        {
            var (names, password) = list[i];
            return Task.Factory.StartNew(() =>
            {
                using var tenantDb = TenantLogin.DataSource(settings.Server + $";Database={settings.DirectDatabase}", names, password);
                Migrator.MigrateTo(tenantDb, names.Schema, ShopSchemaVersions.Latest, LockTimeout);
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        });
    }
}
