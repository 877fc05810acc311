using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.TenantDatabase;

/// <summary>
/// Bringing a shop that an earlier release built up to a newer schema, on real PostgreSQL: to a chosen version, with
/// the concurrent index built outside a transaction, a busy shop refused by the lock timeout and left at its old
/// version, and a failed concurrent build's leftover replaced on the retry.
/// </summary>
public sealed class ShopSchemaMigratorTests
{
    const string Schema = "shop_migrate_test";
    static readonly ShopSchemaMigrator Migrator = new(NullLogger<ShopSchemaMigrator>.Instance);

    static async Task<T?> ScalarAsync<T>(NpgsqlDataSource shop, string sql)
    {
        await using var command = shop.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    static async Task ExecuteAsync(NpgsqlDataSource shop, string sql)
    {
        await using var command = shop.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    const string IndexValid =
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shop_migrate_test' AND c.relname = 'ix_work_orders_opened'";

    [Fact]
    public async Task A_shop_at_an_older_version_is_brought_to_the_target_and_keeps_its_rows()
    {
        await using var database = await TestDatabase.CreateAsync("mbt_migrate");
        await using var shop = await database.SchemaAsync(Schema);

        var first = Migrator.MigrateTo(shop, Schema, 2, lockTimeout: null);
        Assert.Equal((0, 2), (first.FromVersion, first.ToVersion));
        Assert.Equal(2, first.Scripts.Count);
        Assert.Null(await ScalarAsync<string>(shop, "SELECT to_regclass('vehicle_inspections')::text"));
        await ExecuteAsync(shop, "INSERT INTO customers (full_name) VALUES ('Ann Driver')");

        var second = Migrator.MigrateTo(shop, Schema, ShopSchemaVersions.Latest, TimeSpan.FromSeconds(2));

        Assert.Equal((2, ShopSchemaVersions.Latest), (second.FromVersion, second.ToVersion));
        Assert.All(second.Scripts, script => Assert.True(ShopSchemaVersions.Of(script) > 2));
        Assert.Equal(ShopSchemaVersions.Latest, Migrator.VersionOf(shop, Schema));
        Assert.False(await ScalarAsync<bool>(shop, "SELECT reminders_opt_in FROM customers WHERE full_name = 'Ann Driver'"));
        Assert.True(await ScalarAsync<bool>(shop, IndexValid));
        Assert.True(second.LockedFor > TimeSpan.Zero);
        // Current: nothing runs again.
        Assert.Empty(Migrator.MigrateTo(shop, Schema, ShopSchemaVersions.Latest, TimeSpan.FromSeconds(2)).Scripts);
    }

    [Fact]
    public async Task A_busy_shop_is_refused_by_the_lock_timeout_and_stays_at_its_version_until_the_retry()
    {
        await using var database = await TestDatabase.CreateAsync("mbt_migrate_busy");
        await using var shop = await database.SchemaAsync(Schema);
        Migrator.MigrateTo(shop, Schema, 2, lockTimeout: null);

        // The shop's own long transaction holds a lock on customers that 0003's ALTER TABLE must wait for.
        await using (var busy = await shop.OpenConnectionAsync())
        await using (var open = await busy.BeginTransactionAsync())
        {
            await using (var read = new NpgsqlCommand("SELECT count(*) FROM customers", busy, open))
            {
                await read.ExecuteScalarAsync();
            }
            var refused = Assert.Throws<ShopMigrationException>(() => Migrator.MigrateTo(shop, Schema, ShopSchemaVersions.Latest, TimeSpan.FromMilliseconds(200)));
            Assert.Equal("55P03", Assert.IsType<PostgresException>(refused.InnerException).SqlState);
            Assert.Contains("0003", refused.Script, StringComparison.Ordinal);
            Assert.Equal(2, refused.Partial!.ToVersion);
        }

        // The failed script's transaction took its new table with it: the shop is exactly at version 2.
        Assert.Equal(2, Migrator.VersionOf(shop, Schema));
        Assert.Null(await ScalarAsync<string>(shop, "SELECT to_regclass('vehicle_inspections')::text"));
        Assert.Equal(ShopSchemaVersions.Latest, Migrator.MigrateTo(shop, Schema, ShopSchemaVersions.Latest, TimeSpan.FromSeconds(2)).ToVersion);
    }

    [Fact]
    public async Task A_failed_concurrent_index_build_is_built_afresh_on_the_retry()
    {
        await using var database = await TestDatabase.CreateAsync("mbt_migrate_invalid");
        await using var shop = await database.SchemaAsync(Schema);
        Migrator.MigrateTo(shop, Schema, 3, lockTimeout: null);
        await ExecuteAsync(shop, """
            INSERT INTO customers (full_name) VALUES ('Ann Driver');
            INSERT INTO vehicles (customer_id, vin) SELECT id, 'VIN1' FROM customers;
            INSERT INTO work_orders (vehicle_id, status) SELECT id, 'Open' FROM vehicles;
            INSERT INTO work_orders (vehicle_id, status) SELECT id, 'Open' FROM vehicles;
            """);
        // A concurrent build that died leaves an invalid index under the name 0004 creates IF NOT EXISTS.
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(shop, "CREATE UNIQUE INDEX CONCURRENTLY ix_work_orders_opened ON work_orders (status)"));
        Assert.False(await ScalarAsync<bool>(shop, IndexValid));

        Migrator.MigrateTo(shop, Schema, ShopSchemaVersions.Latest, TimeSpan.FromSeconds(2));

        Assert.True(await ScalarAsync<bool>(shop, IndexValid));
        Assert.Equal("CREATE INDEX ix_work_orders_opened ON shop_migrate_test.work_orders USING btree (opened_at)",
            await ScalarAsync<string>(shop, "SELECT pg_get_indexdef('shop_migrate_test.ix_work_orders_opened'::regclass)"));
    }

    [Fact]
    public async Task A_new_shop_gets_every_script_the_concurrent_index_included()
    {
        await using var database = await TestDatabase.CreateAsync("mbt_migrate_fresh");
        await using var shop = await database.SchemaAsync(Schema);

        var run = Migrator.MigrateTo(shop, Schema, ShopSchemaVersions.Latest, lockTimeout: null);

        Assert.Equal(ShopSchemaVersions.Latest, run.ToVersion);
        Assert.True(await ScalarAsync<bool>(shop, IndexValid));
    }
}
