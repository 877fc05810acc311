using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Xunit.Abstractions;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// A fleet rollout through kill -9 of the registry (between marking tenants sent and sending them) and of the shared
/// worker (between migrating a shop and recording its answer), random kills, a RabbitMQ and a PostgreSQL restart, with
/// every command delivered twice: it completes, every shop is at the new version with each script run once, and the
/// Tenant records say so.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class FleetMigrationCrashTests(ChaosControlPlaneFixture plane, ITestOutputHelper output)
{
    const int Shops = 8;
    readonly PatientClient _client = new(plane);

    [Fact]
    public async Task A_rollout_completes_through_crashes_and_restarts_and_migrates_every_shop_once()
    {
        var ids = new List<string>();
        foreach (var i in Enumerable.Range(0, Shops))
        {
            ids.Add((await _client.SignUpUntilAcceptedAsync(new { companyName = $"Chaos Fleet Garage {i}", subscriptionTier = "free", ownerEmail = $"fleet{i}@chaos.example" }))
                .TenantId);
        }
        // Signups end Active, or Failed with a reason when a crash outlasted their deadline: the rollout takes the Active ones.
        var deadline = DateTime.UtcNow.AddMinutes(4);
        List<TenantDto> mine;
        while ((mine = (await _client.GetWhenUpAsync<List<TenantDto>>("/api/tenants?limit=500")).Where(t => ids.Contains(t.Id)).ToList())
            .Any(t => t.Status is not (TenantStatuses.Active or TenantStatuses.Failed)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"signups still running: {string.Join(", ", mine.Select(t => $"{t.Id} {t.Status}"))}");
            await Task.Delay(500);
        }
        ids = mine.Where(t => t.Status == TenantStatuses.Active).Select(t => t.Id).ToList();
        Assert.True(ids.Count >= Shops / 2, $"only {ids.Count} of {Shops} signups became Active");
        foreach (var id in ids)
        {
            // As an earlier release left it: version 2.
            var schema = new TenantNames(id).Schema;
            await plane.Pool.ScalarAsync<object>(EarlierRelease.SetBackSql(schema));
            await plane.Registry.ScalarAsync<object>(EarlierRelease.RecordSql, ("ids", new[] { id }));
        }

        var start = await plane.Client.PostAsJsonAsync("/api/fleet/migrations",
            new { selection = new { tenantIds = ids }, canaryCount = 1, batchSize = 4, maxConcurrencyPerServer = 2, failureThreshold = 0 });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var rolloutId = (await start.Content.ReadFromJsonAsync<FleetMigrationDto>(Json))!.Id;
        await Task.Delay(700);
        await plane.KillAsync("SharedTierProvisioner");
        await TestInfrastructure.RestartRabbitMqAsync();
        await plane.KillAsync("TenantRegistry");
        await TestInfrastructure.RestartPostgresAsync();
        // The test's own pooled connections died with the server.
        Npgsql.NpgsqlConnection.ClearAllPools();

        FleetMigrationDto rollout;
        deadline = DateTime.UtcNow.AddMinutes(4);
        while ((rollout = await _client.GetWhenUpAsync<FleetMigrationDto>($"/api/fleet/migrations/{rolloutId}")).State == "Running")
        {
            Assert.True(DateTime.UtcNow < deadline, $"rollout still running: {string.Join(", ", rollout.Counts.Select(c => $"{c.Key} {c.Value}"))}; {plane.Summary()}");
            await Task.Delay(500);
        }

        Assert.Equal("Completed", rollout.State);
        Assert.Equal(ids.Count, rollout.Counts["Migrated"]);
        var scripts = typeof(ShopSchemaVersions).Assembly.GetManifestResourceNames().Count(n => n.Contains(".Migrations.", StringComparison.Ordinal));
        foreach (var id in ids)
        {
            var schema = new TenantNames(id).Schema;
            var journal = await plane.Pool.ScalarAsync<string[]>($"SELECT array_agg(scriptname ORDER BY applied, scriptname) FROM {schema}.schemaversions");
            Assert.True(journal!.Length == scripts && journal.Distinct().Count() == scripts, $"{id}: journal {string.Join(", ", journal)}");
            Assert.True(await plane.Pool.ScalarAsync<bool>($"SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = '{schema}.ix_work_orders_opened'::regclass"));
            Assert.Equal(ShopSchemaVersions.Latest, (await _client.GetWhenUpAsync<TenantDto>($"/api/tenants/{id}")).SchemaVersion);
            Assert.Equal(2, rollout.Tenants.Single(t => t.TenantId == id).FromVersion);
        }
        var markers = Directory.GetFiles(plane.CrashMarkers).Select(Path.GetFileName).ToHashSet();
        Assert.Contains("MechanicBuddy.TenantRegistry.Fleet.Committed", markers);
        Assert.Contains("MechanicBuddy.SharedTierProvisioner.MigrateSchema", markers);
        output.WriteLine($"{Shops} shops migrated through {plane.Summary()}");
    }
}
