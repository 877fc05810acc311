using Npgsql;
using MechanicBuddy.TenantDatabase.Control;
using static MechanicBuddy.TenantDatabase.SqlIdentifiers;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// The read-only window of a tier change. Freezing puts a statement trigger on every shop table that refuses INSERT,
/// UPDATE, DELETE and TRUNCATE with SQLSTATE 25006 (read_only_sql_transaction) and a message saying why. For the window
/// the tenant's schema goes to the control plane and its tables to the window's owner, tenant_{id}_ro: the tenant's
/// role keeps reading and writing rights, so its writes reach the trigger and get the clear error, but it owns neither
/// the tables nor the schema, so it can drop or disable nothing of the window (owning the schema would let it drop any
/// object in it). The tables go to a role of their own rather than to us because PostgreSQL runs some code as a
/// table's owner (index expressions under ANALYZE, autovacuum's too; foreign-key actions; rule actions' checks), and
/// that code may be the tenant's: as the window's owner it has no right beyond these tables, logs in nowhere, and
/// runs no DDL (the database's event trigger, window-guard.sql). The trigger's function lives in the control plane's
/// own schema, where tenants have no right at all. The freeze takes each table's exclusive lock, so it waits for
/// writes already under way to commit (bounded by a lock timeout): every write is either in the copy or refused, none
/// is lost. Unfreezing gives everything back and drops the window's owner. Both are idempotent, run in one
/// transaction each, and only do DDL: no tenant row is read here.
/// </summary>
public static class TenantWriteFreeze
{
    public const string TriggerName = "mechanicbuddy_read_only";
    public const string FunctionName = "refuse_tenant_writes";
    /// <summary>The function's name before it moved to the control schema: an older window's leftover is cleaned up.</summary>
    const string TenantSchemaFunctionName = "mechanicbuddy_refuse_writes";
    /// <summary>SQLSTATE read_only_sql_transaction: what the shop app sees for a write during the window.</summary>
    public const string RefusedState = "25006";

    static string Function => $"{ControlSchema.Name}.{Quote(FunctionName)}";

    /// <summary>Who owns the shop tables of <paramref name="schema"/> during its window.</summary>
    public static string WindowOwner(string schema) => schema + "_ro";

    /// <remarks>The refusal names the tenant from the table's schema, the one place it cannot be wrong.</remarks>
    public static async Task FreezeAsync(NpgsqlDataSource database, string schema, string tenantRole, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var (s, owner) = (Quote(schema), WindowOwner(schema));
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var superuser = await ControlSchema.IsSuperuserAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, $"SET LOCAL lock_timeout = '{(int)lockTimeout.TotalMilliseconds}ms'", cancellationToken);
        await EnsureFunctionAsync(connection, transaction, superuser, cancellationToken);
        await ControlSchema.EnterTenantAsync(connection, transaction, tenantRole, superuser, cancellationToken);
        await ControlSchema.EnterWindowOwnerAsync(connection, transaction, tenantRole, owner, superuser, cancellationToken);
        // A table's new owner must be able to create in its schema: for the change of owner only.
        await ExecuteAsync(connection, transaction,
            $"ALTER SCHEMA {s} OWNER TO CURRENT_USER; REVOKE ALL ON SCHEMA {s} FROM {Quote(tenantRole)}; GRANT USAGE ON SCHEMA {s} TO {Quote(tenantRole)}; GRANT CREATE ON SCHEMA {s} TO {Quote(owner)}",
            cancellationToken);
        foreach (var table in await ShopTables.PresentAsync(connection, transaction, schema, cancellationToken))
        {
            var t = $"{s}.{Quote(table)}";
            await ExecuteAsync(connection, transaction,
                $"""
                LOCK TABLE {t} IN ACCESS EXCLUSIVE MODE;
                ALTER TABLE {t} OWNER TO {Quote(owner)};
                GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {t} TO {Quote(tenantRole)};
                DROP TRIGGER IF EXISTS {Quote(TriggerName)} ON {t};
                CREATE TRIGGER {Quote(TriggerName)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t}
                    FOR EACH STATEMENT EXECUTE FUNCTION {Function}();
                """, cancellationToken);
        }
        await ExecuteAsync(connection, transaction, $"REVOKE CREATE ON SCHEMA {s} FROM {Quote(owner)}", cancellationToken);
        await ControlSchema.LeaveTenantAsync(connection, transaction, owner, superuser, cancellationToken);
        await ControlSchema.LeaveTenantAsync(connection, transaction, tenantRole, superuser, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task UnfreezeAsync(NpgsqlDataSource database, string schema, string tenantRole, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var (s, owner) = (Quote(schema), WindowOwner(schema));
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var superuser = await ControlSchema.IsSuperuserAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, $"SET LOCAL lock_timeout = '{(int)lockTimeout.TotalMilliseconds}ms'", cancellationToken);
        await ControlSchema.EnterTenantAsync(connection, transaction, tenantRole, superuser, cancellationToken);
        await ControlSchema.EnterWindowOwnerAsync(connection, transaction, tenantRole, owner, superuser, cancellationToken);
        // The schema first: a table's new owner must be able to create in its schema.
        if (await SchemaOwnerAsync(connection, transaction, schema, cancellationToken) is { } schemaOwner && schemaOwner != tenantRole)
        {
            await ExecuteAsync(connection, transaction, $"REVOKE ALL ON SCHEMA {s} FROM {Quote(tenantRole)}; ALTER SCHEMA {s} OWNER TO {Quote(tenantRole)}", cancellationToken);
        }
        foreach (var table in ShopTables.All)
        {
            var t = $"{s}.{Quote(table)}";
            // Only what the freeze changed is undone: a table it never reached (a freeze that gave up) is not even locked,
            // so the shop's own long transaction that made the freeze give up cannot block its undoing.
            await using var state = new NpgsqlCommand(
                """
                SELECT r.rolname, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = @trigger)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = c.relowner
                WHERE n.nspname = @schema AND c.relname = @table AND c.relkind = 'r'
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
        await ExecuteAsync(connection, transaction, $"DROP FUNCTION IF EXISTS {s}.{Quote(TenantSchemaFunctionName)}()", cancellationToken);
        // The window's owner owns nothing now (a freeze that gave up part way reached only some tables: those came back too).
        await ControlSchema.DropTenantRoleAsync(connection, transaction, owner, superuser, cancellationToken);
        await ControlSchema.LeaveTenantAsync(connection, transaction, tenantRole, superuser, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The refusal, made once per database in the control schema. Where the control plane is superuser (a tenant's own
    /// instance or cluster) it makes the schema too; everywhere the schema must be the control plane's, not a tenant's.
    /// </summary>
    static async Task EnsureFunctionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool superuser, CancellationToken cancellationToken)
    {
        if (superuser)
        {
            await ControlSchema.EnsureOwnAsync(connection, transaction, cancellationToken);
        }
        else
        {
            await ControlSchema.RequireTrustedOwnerAsync(connection, transaction, cancellationToken);
        }
        await using (var exists = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = @schema AND p.proname = @function)",
            connection, transaction))
        {
            exists.Parameters.AddWithValue("schema", ControlSchema.Name);
            exists.Parameters.AddWithValue("function", FunctionName);
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }
        var hint = QuoteLiteral("Retry the change once the move is over (the tenant's status is Active again).");
        // The tenant is named from the table's schema (tenant_{id} with '-' as '_'); search_path is pinned so nothing of
        // the writing tenant's own can stand in for the string functions.
        await ExecuteAsync(connection, transaction,
            $"""
            CREATE FUNCTION {Function}() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
            BEGIN
                RAISE EXCEPTION USING ERRCODE = '{RefusedState}',
                    MESSAGE = 'tenant ' || pg_catalog.replace(pg_catalog.substr(TG_TABLE_SCHEMA::text, 8), '_', '-')
                        || ' is read-only while its data moves to its new tier; nothing was written',
                    HINT = {hint};
            END
            $body$
            """, cancellationToken);
    }

    static async Task<string?> SchemaOwnerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT r.rolname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = @schema", connection, transaction);
        command.Parameters.AddWithValue("schema", schema);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
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
