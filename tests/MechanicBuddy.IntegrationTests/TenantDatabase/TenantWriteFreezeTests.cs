using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase.Control;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.IntegrationTests.TenantDatabase;

/// <summary>
/// The read-only window of a tier change on real PostgreSQL, as the tenant's own role sees it: reads work, every kind
/// of write is refused with a clear error and changes nothing, the role cannot lift the freeze itself, a write already
/// under way when the freeze starts is kept (never lost), and unfreezing restores writes and ownership.
/// </summary>
public sealed class TenantWriteFreezeTests
{
    static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_in_the_window_are_refused_with_a_clear_error_and_nothing_is_lost()
    {
        var names = new TenantNames(TenantIds.Generate("Freeze Test Garage"));
        var password = "freeze-" + Guid.NewGuid().ToString("N");
        var database = await TestDatabase.CreatePoolAsync("mbt_freeze");
        try
        {
            // The tenant's slot made as the shared worker makes it: no CREATEROLE, no lasting membership in the role.
            var options = Options.Create(new ProvisioningOptions { FreeTier = new FreeTierOptions { PostgresConnectionString = database.ConnectionString } });
            await using (var pools = new SharedPools(options))
            {
                await new SharedPoolSchemas(pools, options, NullLogger<SharedPoolSchemas>.Instance).CreateTenantAsync("default", names, password, CancellationToken.None);
            }
            await using var admin = ControlPlaneConnection.DataSource(database.ConnectionString);
            await using var tenant = TenantLogin.DataSource(database.ConnectionString, names, password);
            new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).Migrate(tenant, names.Schema);
            await ExecuteAsync(tenant, ShopSampleData.InsertSql(50));

            // A write already under way when the freeze starts: the freeze waits for it, and it is kept.
            await using var inFlight = await tenant.OpenConnectionAsync();
            await using var pending = await inFlight.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand("INSERT INTO customers (full_name) VALUES ('written just before the window')", inFlight, pending))
            {
                await insert.ExecuteNonQueryAsync();
            }
            var freezing = TenantWriteFreeze.FreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
            await Task.Delay(500);
            Assert.False(freezing.IsCompleted, "the freeze must wait for the write under way");
            await pending.CommitAsync();
            await freezing;
            // Rows are read with the tenant's rights, as the mover reads them: the control plane has none on them.
            var before = await TenantDataCopy.FingerprintAsync(tenant, names.Schema, CancellationToken.None);
            Assert.Equal(1L, await ScalarAsync<long>(tenant, "SELECT count(*) FROM customers WHERE full_name = 'written just before the window'"));
            Assert.Equal(ShopTables.All.Count, await TenantWriteFreeze.FrozenTablesAsync(admin, names.Schema, CancellationToken.None));

            // Reads work; every kind of write is refused with SQLSTATE 25006 and a message that says why.
            Assert.True(await ScalarAsync<long>(tenant, "SELECT count(*) FROM work_orders") > 0);
            foreach (var write in new[]
            {
                "INSERT INTO customers (full_name) VALUES ('lost?')",
                "UPDATE parts SET unit_price = unit_price + 1",
                "DELETE FROM appointments",
                "TRUNCATE invoice_lines CASCADE",
            })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, write));
                Assert.Equal(TenantWriteFreeze.RefusedState, refused.SqlState);
                Assert.Contains($"tenant {names.TenantId} is read-only while its data moves to its new tier", refused.MessageText, StringComparison.Ordinal);
            }
            // The tenant's role cannot lift the window itself.
            var disable = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, $"ALTER TABLE customers DISABLE TRIGGER {TenantWriteFreeze.TriggerName}"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, disable.SqlState);
            await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, $"DROP TRIGGER {TenantWriteFreeze.TriggerName} ON customers"));
            Assert.Empty(TenantDataCopy.Differences(before, await TenantDataCopy.FingerprintAsync(tenant, names.Schema, CancellationToken.None)));

            // Freezing again changes nothing; unfreezing gives writes and ownership back.
            await TenantWriteFreeze.FreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
            await TenantWriteFreeze.UnfreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
            await TenantWriteFreeze.UnfreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
            Assert.Equal(0, await TenantWriteFreeze.FrozenTablesAsync(admin, names.Schema, CancellationToken.None));
            await ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('after the window')");
            Assert.Equal(ShopTables.All.Count, await ScalarAsync<long>(admin,
                $"SELECT count(*) FROM pg_tables WHERE schemaname = '{names.Schema}' AND tableowner = '{names.Role}' AND tablename <> '{ShopTables.Journal}'"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await database.DisposeAsync();
            await using var server = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"));
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {names.Role}", server);
            await drop.ExecuteNonQueryAsync();
        }
    }

    static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<T> ScalarAsync<T>(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
