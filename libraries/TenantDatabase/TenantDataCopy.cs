using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>One table's contents as compared across a migration: row count and a checksum over every row.</summary>
public sealed record TableFingerprint(string Table, long Rows, string Checksum);

/// <summary>
/// Moves a shop's data between two databases with the same migrated schema (shared pool schema ↔ dedicated instance):
/// every shop table in foreign-key order, binary COPY from source to target, identity sequences moved past the
/// copied ids. The target's shop tables are emptied first, so a retried copy starts clean. Then
/// <see cref="FingerprintAsync"/> on both sides proves the copy: per table, row count and an md5 over all rows in a
/// fixed order, computed by PostgreSQL in UTC.
/// </summary>
public static class TenantDataCopy
{
    public static async Task<long> CopyAsync(NpgsqlDataSource source, NpgsqlDataSource target, string schema, CancellationToken cancellationToken)
    {
        var quotedSchema = SqlIdentifiers.Quote(schema);
        await using var from = await source.OpenConnectionAsync(cancellationToken);
        await using var to = await target.OpenConnectionAsync(cancellationToken);
        // One snapshot of the source for all tables: a consistent copy even if the source were still written.
        await using var read = await from.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var write = await to.BeginTransactionAsync(cancellationToken);
        var present = await ShopTables.PresentAsync(from, read, schema, cancellationToken);
        var tables = string.Join(", ", present.Select(t => $"{quotedSchema}.{SqlIdentifiers.Quote(t)}"));
        await using (var empty = new NpgsqlCommand($"TRUNCATE {tables} RESTART IDENTITY", to, write))
        {
            await empty.ExecuteNonQueryAsync(cancellationToken);
        }
        long rows = 0;
        foreach (var table in present)
        {
            var name = $"{quotedSchema}.{SqlIdentifiers.Quote(table)}";
            await using (var reader = await from.BeginRawBinaryCopyAsync($"COPY {name} TO STDOUT (FORMAT BINARY)", cancellationToken))
            await using (var writer = await to.BeginRawBinaryCopyAsync($"COPY {name} FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                await reader.CopyToAsync(writer, cancellationToken);
            }
            rows += await ScalarAsync<long>(to, write, $"SELECT count(*) FROM {name}", cancellationToken);
            // Identity columns: the next id the shop creates must come after the copied ones.
            await using var identities = new NpgsqlCommand(
                "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = @table::regclass AND a.attidentity <> '' AND NOT a.attisdropped", to, write);
            identities.Parameters.AddWithValue("table", name);
            if (await identities.ExecuteScalarAsync(cancellationToken) is string column)
            {
                var quotedColumn = SqlIdentifiers.Quote(column);
                await using var restart = new NpgsqlCommand(
                    $"SELECT setval(pg_get_serial_sequence(@table, @column), (SELECT coalesce(max({quotedColumn}), 0) + 1 FROM {name}), false)", to, write);
                restart.Parameters.AddWithValue("table", name);
                restart.Parameters.AddWithValue("column", column);
                await restart.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await write.CommitAsync(cancellationToken);
        return rows;
    }

    public static async Task<IReadOnlyList<TableFingerprint>> FingerprintAsync(NpgsqlDataSource database, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var utc = new NpgsqlCommand("SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3", connection, snapshot))
        {
            await utc.ExecuteNonQueryAsync(cancellationToken);
        }
        var fingerprints = new List<TableFingerprint>();
        foreach (var table in await ShopTables.PresentAsync(connection, snapshot, schema, cancellationToken))
        {
            var name = $"{SqlIdentifiers.Quote(schema)}.{SqlIdentifiers.Quote(table)}";
            await using var command = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY t::text)), '') FROM {name} t", connection, snapshot);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            fingerprints.Add(new TableFingerprint(table, reader.GetInt64(0), reader.GetString(1)));
        }
        return fingerprints;
    }

    /// <summary>What differs between the two sides, one line per table ("invoices: 1200 rows → 1199 rows, checksum differs"); empty when identical.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<TableFingerprint> source, IReadOnlyList<TableFingerprint> target)
    {
        var targets = target.ToDictionary(t => t.Table);
        var differences = new List<string>();
        foreach (var expected in source)
        {
            if (!targets.TryGetValue(expected.Table, out var actual))
            {
                differences.Add($"{expected.Table}: missing on the target");
            }
            else if (actual.Rows != expected.Rows || actual.Checksum != expected.Checksum)
            {
                differences.Add($"{expected.Table}: {expected.Rows} rows → {actual.Rows} rows{(actual.Checksum != expected.Checksum ? ", checksum differs" : "")}");
            }
        }
        return differences;
    }

    static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
