using System.Text.Json;
using MechanicBuddy.Contracts;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.TenantRegistry;

/// <summary>
/// Commands committed to the outbox by a registry from before the path-neutral worker messages are rewritten by the
/// upgrade's migration into the new contracts, with the side each was about.
/// </summary>
public sealed class LegacyOutboxMigrationTests
{
    [Fact]
    public async Task Old_worker_commands_waiting_in_the_outbox_become_path_neutral_ones_for_the_right_side()
    {
        await using var database = await TestDatabase.CreateAsync("mbt_legacy");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await RegistryDatabase.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);
        var active = Guid.NewGuid();
        var rollingBack = Guid.NewGuid();
        await database.OwnerExecuteAsync($$"""
            INSERT INTO tenant_sagas (correlation_id, version, current_state, tenant_id, company_key, owner_email_key, subscription_tier, requested_at, data)
            VALUES ('{{active}}', 3, 'Active', 'active-a1b2c3', 'a', 'a@x', 'professional', now(), '{"DeploymentMode":"dedicated"}'),
                   ('{{rollingBack}}', 5, 'TierRollingBack', 'rolling-a1b2c3', 'r', 'r@x', 'free', now(), '{"DeploymentMode":"shared"}');
            INSERT INTO outbox_messages (id, correlation_id, destination, message_type, body) VALUES
              (gen_random_uuid(), '{{active}}', 'exchange:provision-dedicated-tenant', 'MechanicBuddy.Contracts.ProvisionDedicatedTenant',
               '{"correlationId":"{{active}}","tenantId":"active-a1b2c3","companyName":"A","subscriptionTier":"professional","ownerEmail":"a@x","adminPasswordHash":"h","attempt":1,"tierChange":0}'),
              (gen_random_uuid(), '{{rollingBack}}', 'exchange:provision-dedicated-tenant', 'MechanicBuddy.Contracts.ProvisionDedicatedTenant',
               '{"correlationId":"{{rollingBack}}","tenantId":"rolling-a1b2c3","companyName":"R","subscriptionTier":"professional","ownerEmail":"r@x","adminPasswordHash":"h","tierChange":2,"withoutRoute":true}'),
              (gen_random_uuid(), '{{active}}', 'exchange:deprovision-shared-tenant', 'MechanicBuddy.Contracts.DeprovisionSharedTenant',
               '{"correlationId":"{{active}}","tenantId":"active-a1b2c3","pool":"default","keepRoute":true}'),
              (gen_random_uuid(), '{{rollingBack}}', 'exchange:deprovision-dedicated-tenant', 'MechanicBuddy.Contracts.DeprovisionDedicatedTenant',
               '{"correlationId":"{{rollingBack}}","tenantId":"rolling-a1b2c3","namespace":"tenant-rolling-a1b2c3","keepRoute":true}'),
              (gen_random_uuid(), '{{rollingBack}}', 'exchange:deprovision-shared-tenant', 'MechanicBuddy.Contracts.DeprovisionSharedTenant',
               '{"correlationId":"{{rollingBack}}","tenantId":"rolling-a1b2c3","pool":"default"}'),
              (gen_random_uuid(), '{{Guid.NewGuid()}}', 'exchange:deprovision-shared-tenant', 'MechanicBuddy.Contracts.DeprovisionSharedTenant',
               '{"correlationId":"{{Guid.NewGuid()}}","tenantId":"gone-a1b2c3","pool":"default"}');
            """);

        await database.OwnerExecuteAsync(MigrationScript("0007_path_neutral_worker_commands.sql"));

        var rows = new List<(string Type, string Body)>();
        await using (var command = dataSource.CreateCommand("SELECT message_type, body::text FROM outbox_messages ORDER BY position"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.Equal(["BuildTenantSide", "BuildTenantSide", "RemoveTenantSide", "RemoveTenantSide", "RemoveTenantSide", "RemoveTenantSide"],
            rows.Select(r => r.Type[(r.Type.LastIndexOf('.') + 1)..]));
        Assert.All(rows, r => Assert.NotNull(typeof(BuildTenantSide).Assembly.GetType(r.Type)));
        var builds = rows.Take(2).Select(r => JsonSerializer.Deserialize<BuildTenantSide>(r.Body, TransactionalSagaOutbox.Json)!).ToList();
        Assert.Equal([(TenantSideRoles.Current, "dedicated"), (TenantSideRoles.Target, "dedicated")], builds.Select(b => (b.Side, b.DeploymentMode)));
        var removals = rows.Skip(2).Select(r => JsonSerializer.Deserialize<RemoveTenantSide>(r.Body, TransactionalSagaOutbox.Json)!).ToList();
        // Active on dedicated: a shared removal is the retired side; rolling back from shared: the dedicated one is the
        // target, the shared one current; a tenant the registry no longer has: its current side.
        Assert.Equal([(TenantSideRoles.Retired, "shared", true), (TenantSideRoles.Target, "dedicated", true), (TenantSideRoles.Current, "shared", false),
                (TenantSideRoles.Current, "shared", false)],
            removals.Select(r => (r.Side, r.DeploymentMode, r.KeepRoute)));
    }

    [Fact]
    public async Task A_row_of_a_type_this_registry_does_not_know_is_set_aside_and_does_not_hold_up_the_others()
    {
        var (provider, database) = await RegistryHarness.StartAsync(startDispatcher: false);
        await using (database)
        await using (provider)
        {
            var unknown = Guid.NewGuid();
            var tenant = Guid.NewGuid();
            await database.OwnerExecuteAsync($$"""
                INSERT INTO outbox_messages (id, correlation_id, destination, message_type, body, created_at) VALUES
                  ('{{unknown}}', '{{tenant}}', 'exchange:somewhere', 'MechanicBuddy.Contracts.NoSuchCommand', '{"tenantId":"x-a1b2c3"}', now() - interval '1 minute'),
                  (gen_random_uuid(), '{{tenant}}', NULL, 'MechanicBuddy.Contracts.TenantDeprovisioned',
                   '{"tenantId":"known-a1b2c3","deploymentMode":"shared","deprovisionedAt":"2026-12-03T00:00:00Z"}', now() - interval '1 minute');
                """);

            var delivered = await provider.GetRequiredService<OutboxDispatcher>().DeliverBatchAsync(TimeSpan.Zero, CancellationToken.None);

            Assert.Equal(2, delivered);
            Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
            Assert.Equal("MechanicBuddy.Contracts.NoSuchCommand", await database.ScalarAsync<string>("SELECT message_type FROM outbox_set_aside WHERE id = @id", ("id", unknown)));
            Assert.True(await provider.GetRequiredService<MassTransit.Testing.ITestHarness>().Published.Any<TenantDeprovisioned>(m => m.Context.Message.TenantId == "known-a1b2c3"));
        }
    }

    static string MigrationScript(string name)
    {
        var assembly = typeof(RegistryDatabase).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(name, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    }
}
