using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// A fleet schema rollout through the Gateway, on real shops in the real pool: shops an earlier release built (version 2)
/// are brought to the newest version, canary first then in waves; a shop whose migration fails stops the rollout at the
/// threshold and keeps its old version with the real SQL error; one retry call finishes it.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FleetMigrationTests(ControlPlaneFixture plane)
{
    const string Fleet = "/api/fleet/migrations";

    async Task<string> SignUpAtVersion2Async(string company)
    {
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client, new { companyName = company, subscriptionTier = "free", ownerEmail = "owner@fleet.example" })))
            .TenantId;
        // As an earlier release left it: only the first two scripts ran, and its record says 2.
        var schema = new TenantNames(tenantId).Schema;
        await plane.Pool.ScalarAsync<object>(EarlierRelease.SetBackSql(schema));
        await plane.Registry.ScalarAsync<object>(EarlierRelease.RecordSql, ("ids", new[] { tenantId }));
        return tenantId;
    }

    async Task<int> JournalVersionAsync(string tenantId)
    {
        var schema = new TenantNames(tenantId).Schema;
        var scripts = await plane.Pool.ScalarAsync<string[]>($"SELECT array_agg(scriptname) FROM {schema}.schemaversions");
        return ShopSchemaVersions.Highest(scripts!);
    }

    async Task<FleetMigrationDto> UntilAsync(Guid id, Func<FleetMigrationDto, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var rollout = (await plane.Client.GetFromJsonAsync<FleetMigrationDto>($"{Fleet}/{id}", Json))!;
            if (done(rollout))
            {
                return rollout;
            }
            Assert.True(DateTime.UtcNow < deadline, $"rollout {id} still {rollout.State}: {string.Join(", ", rollout.Counts.Select(c => $"{c.Key} {c.Value}"))}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Shops_are_migrated_canary_first_a_failing_one_stops_the_rollout_with_its_error_and_one_retry_finishes_it()
    {
        var canary = await SignUpAtVersion2Async("Fleet Canary Garage");
        var second = await SignUpAtVersion2Async("Fleet Second Garage");
        var broken = await SignUpAtVersion2Async("Fleet Broken Garage");
        // Something in the way of 0003 in one shop (a table of that name made by hand): its migration fails for real.
        var brokenSchema = new TenantNames(broken).Schema;
        await plane.Pool.ScalarAsync<object>($"CREATE TABLE {brokenSchema}.vehicle_inspections (id int)");

        var start = await plane.Client.PostAsJsonAsync(Fleet, new
        {
            selection = new { tenantIds = new[] { canary, second, broken } },
            canaryCount = 1, batchSize = 2, maxConcurrencyPerServer = 2, failureThreshold = 0,
        });

        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var created = (await start.Content.ReadFromJsonAsync<FleetMigrationDto>(Json))!;
        Assert.Equal($"{Fleet}/{created.Id}", start.Headers.Location?.ToString());
        Assert.Equal(ShopSchemaVersions.Latest, created.TargetVersion);
        Assert.Equal([canary, second, broken], created.Tenants.Select(t => t.TenantId));
        Assert.True(created.Tenants[0].Canary);
        Assert.All(created.Tenants, t => Assert.Equal("pool default", t.Server));

        var stopped = await UntilAsync(created.Id, r => r.State != "Running" && r.Counts["Migrating"] == 0);

        Assert.Equal("Stopped", stopped.State);
        Assert.Contains("threshold", stopped.StopReason, StringComparison.Ordinal);
        var byId = stopped.Tenants.ToDictionary(t => t.TenantId);
        foreach (var migrated in new[] { canary, second })
        {
            Assert.Equal(("Migrated", 2, ShopSchemaVersions.Latest), (byId[migrated].State, byId[migrated].FromVersion, byId[migrated].Version));
            Assert.True(byId[migrated].DurationMs > 0);
            Assert.NotNull(byId[migrated].LockedMs);
            Assert.Equal(ShopSchemaVersions.Latest, await JournalVersionAsync(migrated));
            Assert.Equal(ShopSchemaVersions.Latest, (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{migrated}", Json))!.SchemaVersion);
        }
        // The canary finished before the wave began.
        Assert.True(byId[canary].FinishedAt <= byId[second].FinishedAt);
        Assert.Equal(("Failed", 2), (byId[broken].State, byId[broken].Version));
        Assert.Contains("0003", byId[broken].Error, StringComparison.Ordinal);
        Assert.Contains("42P07", byId[broken].Error, StringComparison.Ordinal);
        Assert.Equal(2, await JournalVersionAsync(broken));
        Assert.Equal(2, (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{broken}", Json))!.SchemaVersion);

        // The shop's team clears the obstacle; one call migrates that tenant and the rollout completes.
        await plane.Pool.ScalarAsync<object>($"DROP TABLE {brokenSchema}.vehicle_inspections");
        var retry = await plane.Client.PostAsync($"{Fleet}/{created.Id}/tenants/{broken}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);

        var completed = await UntilAsync(created.Id, r => r.State == "Completed");

        Assert.Equal(3, completed.Counts["Migrated"]);
        Assert.Equal(ShopSchemaVersions.Latest, await JournalVersionAsync(broken));
        Assert.NotNull(completed.FinishedAt);
        // Both lifecycle events went out (they are marked only after the publish).
        Assert.True(await plane.Registry.ScalarAsync<bool>("SELECT started_published AND completed_published FROM fleet_migrations WHERE id = @id", ("id", created.Id)));
        // The list shows it with the same counts, without its tenants.
        var listed = Assert.Single((await plane.Client.GetFromJsonAsync<List<FleetMigrationDto>>($"{Fleet}?limit=50", Json))!, r => r.Id == created.Id);
        Assert.Equal(completed.Counts, listed.Counts);
        Assert.Empty(listed.Tenants);
        // Nothing more to do: a retry of a migrated tenant, or an abort of a completed rollout, is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await plane.Client.PostAsync($"{Fleet}/{created.Id}/tenants/{canary}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await plane.Client.PostAsync($"{Fleet}/{created.Id}/abort", null)).StatusCode);
    }

    [Fact]
    public async Task A_dedicated_shop_is_migrated_on_its_own_instance_with_its_own_rights()
    {
        var id = (await ResultAsync(await SignUpAsync(plane.Client, new
        {
            companyName = "Fleet Dedicated Garage", subscriptionTier = "professional", ownerEmail = "owner@fleet-dedicated.example", customDomain = "fleet.dedicated.localhost",
        }, waitSeconds: 60))).TenantId;
        var names = new TenantNames(id);
        var port = TenantInstances.PortOf(plane.TenantInstancesDirectory, id);
        var password = (await File.ReadAllTextAsync(Path.Combine(plane.DedicatedSecretsDirectory, id, "database-password"))).Trim();
        var own = $"Host=127.0.0.1;Port={port};Database=mechanicbuddy;Username={names.Role};Password={password};Pooling=false";
        async Task<T?> AsTenantAsync<T>(string sql)
        {
            await using var connection = new Npgsql.NpgsqlConnection(own);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            var value = await command.ExecuteScalarAsync();
            return value is null or DBNull ? default : (T)value;
        }
        // As an earlier release left it, done by the shop's own role (which owns its tables).
        await AsTenantAsync<object>(EarlierRelease.SetBackSql(names.Schema));
        await plane.Registry.ScalarAsync<object>(EarlierRelease.RecordSql, ("ids", new[] { id }));

        var start = await plane.Client.PostAsJsonAsync(Fleet, new { selection = new { tenantIds = new[] { id }, deploymentModes = new[] { "dedicated" } } });
        var completed = await UntilAsync((await start.Content.ReadFromJsonAsync<FleetMigrationDto>(Json))!.Id, r => r.State != "Running");

        var tenant = Assert.Single(completed.Tenants);
        Assert.True(completed.State == "Completed", $"{completed.State}: {tenant.State} {tenant.Error}");
        Assert.Equal(("dedicated", $"tenant {id}", "Migrated", 2, ShopSchemaVersions.Latest), (tenant.DeploymentMode, tenant.Server, tenant.State, tenant.FromVersion, tenant.Version));
        Assert.Equal(ShopSchemaVersions.Latest, ShopSchemaVersions.Highest((await AsTenantAsync<string[]>($"SELECT array_agg(scriptname) FROM {names.Schema}.schemaversions"))!));
        Assert.Equal("false", await AsTenantAsync<string>(
            $"SELECT column_default FROM information_schema.columns WHERE table_schema = '{names.Schema}' AND table_name = 'customers' AND column_name = 'reminders_opt_in'"));
        Assert.Equal(ShopSchemaVersions.Latest, (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{id}", Json))!.SchemaVersion);
    }

    [Fact]
    public async Task A_paused_rollout_starts_no_more_tenants_until_it_is_resumed()
    {
        var tenants = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tenants.Add(await SignUpAtVersion2Async($"Fleet Paused Garage {i}"));
        }
        var start = await plane.Client.PostAsJsonAsync(Fleet, new { selection = new { tenantIds = tenants }, canaryCount = 0, batchSize = 1, maxConcurrencyPerServer = 1 });
        var id = (await start.Content.ReadFromJsonAsync<FleetMigrationDto>(Json))!.Id;

        var paused = await plane.Client.PostAsync($"{Fleet}/{id}/pause", null);

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        var atPause = await UntilAsync(id, r => r.Counts["Migrating"] == 0);
        Assert.Equal("Paused", atPause.State);
        await Task.Delay(1500);
        var later = (await plane.Client.GetFromJsonAsync<FleetMigrationDto>($"{Fleet}/{id}", Json))!;
        Assert.Equal(atPause.Counts["Pending"], later.Counts["Pending"]);
        Assert.True(later.Counts["Pending"] > 0, "the pause came after the whole rollout ran; nothing was left to hold back");
        Assert.Equal(HttpStatusCode.Conflict, (await plane.Client.PostAsync($"{Fleet}/{id}/pause", null)).StatusCode);
        // One rollout at a time: a second is refused while this one is unfinished, naming it, and nothing is created.
        var second = await plane.Client.PostAsJsonAsync(Fleet, new { selection = new { tenantIds = tenants } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains($"{id} (Paused)", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1L, await plane.Registry.ScalarAsync<long>("SELECT count(*) FROM fleet_migrations WHERE state IN ('Running', 'Paused', 'Stopped')"));

        Assert.Equal(HttpStatusCode.OK, (await plane.Client.PostAsync($"{Fleet}/{id}/resume", null)).StatusCode);

        var completed = await UntilAsync(id, r => r.State == "Completed");
        Assert.Equal(3, completed.Counts["Migrated"]);
    }

    [Fact]
    public async Task A_bad_rollout_request_is_a_400_naming_every_problem_and_starts_nothing()
    {
        var before = await plane.Registry.ScalarAsync<long>("SELECT count(*) FROM fleet_migrations");

        var response = await plane.Client.PostAsJsonAsync(Fleet, new
        {
            targetVersion = ShopSchemaVersions.Latest + 1,
            canaryCount = -1, batchSize = 0, maxConcurrencyPerServer = 1000, failureThreshold = -5, lockTimeoutMs = 5,
            selection = new { tiers = new[] { "platinum" }, deploymentModes = new[] { "cloud" }, tenantIds = new[] { "Not A Tenant" }, pools = Array.Empty<string>() },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        foreach (var field in new[] { "targetVersion", "canaryCount", "batchSize", "maxConcurrencyPerServer", "failureThreshold", "lockTimeoutMs",
                     "selection.tiers", "selection.deploymentModes", "selection.tenantIds", "selection.pools" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        Assert.Equal(before, await plane.Registry.ScalarAsync<long>("SELECT count(*) FROM fleet_migrations"));
        Assert.Equal(HttpStatusCode.NotFound, (await plane.Client.GetAsync($"{Fleet}/{Guid.NewGuid()}")).StatusCode);
    }
}
