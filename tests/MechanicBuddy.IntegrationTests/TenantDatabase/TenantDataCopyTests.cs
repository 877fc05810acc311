using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.TenantDatabase;

/// <summary>The data move of a tier change, on real PostgreSQL: every row arrives, the fingerprints prove it, and a difference is caught.</summary>
public sealed class TenantDataCopyTests
{
    const string Schema = "shop_copy_test";

    static async Task<NpgsqlDataSource> MigratedAsync(TestDatabase database, int? version = null)
    {
        var source = await database.SchemaAsync(Schema);
        new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).MigrateTo(source, Schema, version ?? ShopSchemaVersions.Latest, lockTimeout: null);
        return source;
    }

    [Fact]
    public async Task Every_row_of_every_table_is_copied_and_verified_and_new_ids_follow_the_copied_ones()
    {
        await using var sourceDb = await TestDatabase.CreateAsync("mbt_copy_src");
        await using var targetDb = await TestDatabase.CreateAsync("mbt_copy_dst");
        await using var source = await MigratedAsync(sourceDb);
        await using var target = await MigratedAsync(targetDb);
        await using (var fill = source.CreateCommand(ShopSampleData.InsertSql(3000)))
        {
            await fill.ExecuteNonQueryAsync();
        }
        // Something already in the target (a copy that died half-way) is replaced, not added to.
        await using (var stale = target.CreateCommand("INSERT INTO customers (full_name) VALUES ('half-copied')"))
        {
            await stale.ExecuteNonQueryAsync();
        }

        var copied = await TenantDataCopy.CopyAsync(source, target, Schema, CancellationToken.None);

        var expected = await TenantDataCopy.FingerprintAsync(source, Schema, CancellationToken.None);
        var actual = await TenantDataCopy.FingerprintAsync(target, Schema, CancellationToken.None);
        Assert.Equal(expected.Sum(t => t.Rows), copied);
        Assert.True(copied > 20_000, $"{copied} rows");
        Assert.All(expected, t => Assert.True(t.Rows > 0, t.Table));
        Assert.Empty(TenantDataCopy.Differences(expected, actual));
        await using var next = target.CreateCommand("INSERT INTO customers (full_name) VALUES ('after the move') RETURNING id");
        Assert.Equal(3001L, (long)(await next.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_shop_an_earlier_release_built_is_copied_with_the_tables_it_has()
    {
        await using var sourceDb = await TestDatabase.CreateAsync("mbt_copy_old_src");
        await using var targetDb = await TestDatabase.CreateAsync("mbt_copy_old_dst");
        await using var source = await MigratedAsync(sourceDb, version: 2);
        await using var target = await MigratedAsync(targetDb, version: 2);
        await using (var fill = source.CreateCommand("INSERT INTO customers (full_name) VALUES ('Ann Driver'), ('Bo Mechanic')"))
        {
            await fill.ExecuteNonQueryAsync();
        }

        var copied = await TenantDataCopy.CopyAsync(source, target, Schema, CancellationToken.None);

        var expected = await TenantDataCopy.FingerprintAsync(source, Schema, CancellationToken.None);
        Assert.Equal(2, copied);
        Assert.DoesNotContain(expected, t => t.Table == "vehicle_inspections");
        Assert.Equal(ShopTables.All.Count - 1, expected.Count);
        Assert.Empty(TenantDataCopy.Differences(expected, await TenantDataCopy.FingerprintAsync(target, Schema, CancellationToken.None)));
    }

    [Fact]
    public async Task A_changed_or_missing_row_is_a_difference_named_by_table()
    {
        await using var sourceDb = await TestDatabase.CreateAsync("mbt_copy_src");
        await using var targetDb = await TestDatabase.CreateAsync("mbt_copy_dst");
        await using var source = await MigratedAsync(sourceDb);
        await using var target = await MigratedAsync(targetDb);
        await using (var fill = source.CreateCommand(ShopSampleData.InsertSql(300)))
        {
            await fill.ExecuteNonQueryAsync();
        }
        await TenantDataCopy.CopyAsync(source, target, Schema, CancellationToken.None);
        await using (var tamper = target.CreateCommand("UPDATE parts SET unit_price = unit_price + 0.01 WHERE id = 7; DELETE FROM appointments WHERE id = 3"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var differences = TenantDataCopy.Differences(
            await TenantDataCopy.FingerprintAsync(source, Schema, CancellationToken.None), await TenantDataCopy.FingerprintAsync(target, Schema, CancellationToken.None));

        Assert.Equal(["parts: 100 rows → 100 rows, checksum differs", "appointments: 100 rows → 99 rows, checksum differs"], differences);
    }
}
