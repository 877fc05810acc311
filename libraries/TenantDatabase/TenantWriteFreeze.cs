using Npgsql;
using static MechanicBuddy.TenantDatabase.SqlIdentifiers;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// The read-only window of a tier change. Freezing puts a statement trigger on every shop table that refuses INSERT,
/// UPDATE, DELETE and TRUNCATE with SQLSTATE 25006 (read_only_sql_transaction) and a message saying why, and hands the
/// tables to the connecting (control-plane) role for the window: the tenant's role keeps reading and writing rights,
/// so its writes reach the trigger and get the clear error, but it no longer owns the tables and so cannot drop or
/// disable the trigger. The freeze takes each table's exclusive lock, so it waits for writes already under way to
/// commit (bounded by a lock timeout): every write is either in the copy or refused, none is lost. Unfreezing gives
/// the tables back. Both are idempotent and run in one transaction each.
/// </summary>
public static class TenantWriteFreeze
{
    public const string TriggerName = "mechanicbuddy_read_only";
    public const string FunctionName = "mechanicbuddy_refuse_writes";
    /// <summary>SQLSTATE read_only_sql_transaction: what the shop app sees for a write during the window.</summary>
    public const string RefusedState = "25006";

    public static async Task FreezeAsync(NpgsqlDataSource database, string schema, string tenantRole, string tenantId, TimeSpan lockTimeout,
        CancellationToken cancellationToken)
    {
        var s = Quote(schema);
        var message = QuoteLiteral($"tenant {tenantId} is read-only while its data moves to its new tier; nothing was written");
        var hint = QuoteLiteral("Retry the change once the move is over (the tenant's status is Active again).");
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction,
            $"""
            SET LOCAL lock_timeout = '{(int)lockTimeout.TotalMilliseconds}ms';
            CREATE OR REPLACE FUNCTION {s}.{Quote(FunctionName)}() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                RAISE EXCEPTION USING ERRCODE = '{RefusedState}', MESSAGE = {message}, HINT = {hint};
            END
            $body$;
            ALTER FUNCTION {s}.{Quote(FunctionName)}() OWNER TO CURRENT_USER;
            """, cancellationToken);
        foreach (var table in ShopTables.All)
        {
            var t = $"{s}.{Quote(table)}";
            await ExecuteAsync(connection, transaction,
                $"""
                LOCK TABLE {t} IN ACCESS EXCLUSIVE MODE;
                ALTER TABLE {t} OWNER TO CURRENT_USER;
                GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {t} TO {Quote(tenantRole)};
                DROP TRIGGER IF EXISTS {Quote(TriggerName)} ON {t};
                CREATE TRIGGER {Quote(TriggerName)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t}
                    FOR EACH STATEMENT EXECUTE FUNCTION {s}.{Quote(FunctionName)}();
                """, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task UnfreezeAsync(NpgsqlDataSource database, string schema, string tenantRole, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var s = Quote(schema);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SET LOCAL lock_timeout = '{(int)lockTimeout.TotalMilliseconds}ms'", cancellationToken);
        foreach (var table in ShopTables.All)
        {
            var t = $"{s}.{Quote(table)}";
            // Only what the freeze changed is undone: a table it never reached (a freeze that gave up) is not even locked,
            // so the shop's own long transaction that made the freeze give up cannot block its undoing.
            await using var state = new NpgsqlCommand(
                """
                SELECT t.tableowner, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = format('%I.%I', t.schemaname, t.tablename)::regclass AND g.tgname = @trigger)
                FROM pg_tables t WHERE t.schemaname = @schema AND t.tablename = @table
                """, connection, transaction);
            state.Parameters.AddWithValue("schema", schema);
            state.Parameters.AddWithValue("table", table);
            state.Parameters.AddWithValue("trigger", TriggerName);
            string? current;
            bool triggered;
            await using (var reader = await state.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    continue;
                }
                (current, triggered) = (reader.GetString(0), reader.GetBoolean(1));
            }
            if (triggered)
            {
                await ExecuteAsync(connection, transaction, $"DROP TRIGGER IF EXISTS {Quote(TriggerName)} ON {t}", cancellationToken);
            }
            if (current != tenantRole)
            {
                // The window's explicit grants go first, so the tenant's role ends up owning the table exactly as before.
                await ExecuteAsync(connection, transaction, $"REVOKE ALL ON {t} FROM {Quote(tenantRole)}; ALTER TABLE {t} OWNER TO {Quote(tenantRole)}",
                    cancellationToken);
            }
        }
        await ExecuteAsync(connection, transaction, $"DROP FUNCTION IF EXISTS {s}.{Quote(FunctionName)}()", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>How many shop tables carry the read-only trigger: all of them while frozen, none otherwise.</summary>
    public static async Task<int> FrozenTablesAsync(NpgsqlDataSource database, string schema, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND g.tgname = @trigger
            """);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("trigger", TriggerName);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
