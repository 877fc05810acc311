using Npgsql;

namespace MechanicBuddy.TenantDatabase.Control;

/// <summary>
/// The control plane's own schema in every database that holds tenant data (mechanicbuddy_control). In a shared pool a
/// superuser makes it with pool-database.sql (role functions, the pool lock); in a tenant's own instance or CNPG
/// cluster the control plane is superuser there and makes it itself, before the tenant can connect. Tenants have no
/// right on it, so they can neither drop nor replace what is in it.
/// </summary>
public static class ControlSchema
{
    public const string Name = "mechanicbuddy_control";

    /// <summary>The event trigger that keeps a read-only window's owner from running DDL (see the file's header).</summary>
    public static string WindowGuardSql { get; } = ReadResource("MechanicBuddy.TenantDatabase.Control.window-guard.sql");

    /// <summary>The superuser script that prepares a shared pool database (see the file's header), its includes inlined.</summary>
    public static string PoolDatabaseSql { get; } = ReadResource("MechanicBuddy.TenantDatabase.Control.pool-database.sql")
        .Replace("\\ir window-guard.sql", WindowGuardSql, StringComparison.Ordinal);

    /// <summary>
    /// Membership of the control plane in one tenant role for the rest of this transaction only. In a pool this goes
    /// through the pool's role functions (the control plane has no CREATEROLE); as the superuser of a tenant's own
    /// database (<paramref name="superuser"/>, <see cref="IsSuperuserAsync"/>) nothing is needed.
    /// </summary>
    public static async Task EnterTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantRole, bool superuser, CancellationToken cancellationToken)
    {
        if (!superuser)
        {
            await CallAsync(connection, transaction, "enter_tenant", tenantRole, cancellationToken);
        }
    }

    public static async Task LeaveTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantRole, bool superuser, CancellationToken cancellationToken)
    {
        if (!superuser)
        {
            await CallAsync(connection, transaction, "leave_tenant", tenantRole, cancellationToken);
        }
    }

    /// <summary>
    /// The powerless owner of the tenant's shop tables for a read-only window (<paramref name="windowOwner"/>, made if
    /// missing: no login, no inherited right, see window-guard.sql), with the control plane a member of it for the rest
    /// of this transaction (<see cref="LeaveTenantAsync"/> with its name ends that).
    /// </summary>
    public static async Task EnterWindowOwnerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantRole, string windowOwner, bool superuser,
        CancellationToken cancellationToken)
    {
        if (superuser)
        {
            await using var create = new NpgsqlCommand(
                $"""
                DO $owner$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = {SqlIdentifiers.QuoteLiteral(windowOwner)}) THEN
                        CREATE ROLE {SqlIdentifiers.Quote(windowOwner)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
                    END IF;
                END $owner$
                """, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        await using var enter = new NpgsqlCommand($"SELECT {Name}.enter_window_owner(@role)", connection, transaction);
        enter.Parameters.AddWithValue("role", tenantRole);
        if (await enter.ExecuteScalarAsync(cancellationToken) as string != windowOwner)
        {
            throw new InvalidOperationException($"the pool's window owner for {tenantRole} is not {windowOwner}");
        }
    }

    /// <summary>
    /// Drops one of a tenant's roles if it is there (a mover login, a window's owner once it owns nothing, the tenant's
    /// own): through the pool's role function, or directly as the superuser of a tenant's own database.
    /// </summary>
    public static async Task DropTenantRoleAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string role, bool superuser, CancellationToken cancellationToken)
    {
        if (!superuser)
        {
            await CallAsync(connection, transaction, "drop_tenant_role", role, cancellationToken);
            return;
        }
        await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {SqlIdentifiers.Quote(role)}", connection, transaction);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// In a database where the control plane is superuser: makes the schema (and refuses to go on if someone else
    /// already made one of that name, e.g. a tenant that owns the database got there first) and the window guard.
    /// </summary>
    public static async Task EnsureOwnAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {Name}; REVOKE ALL ON SCHEMA {Name} FROM PUBLIC", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var guard = new NpgsqlCommand(WindowGuardSql, connection, transaction))
        {
            await guard.ExecuteNonQueryAsync(cancellationToken);
        }
        await RequireTrustedOwnerAsync(connection, transaction, cancellationToken);
    }

    /// <summary>The schema must belong to the control plane, the pool's role admin or a superuser; never to a tenant.</summary>
    public static async Task RequireTrustedOwnerAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var owner = new NpgsqlCommand(
            """
            SELECT r.rolname, r.rolsuper OR r.rolname = current_user OR r.rolname = 'mechanicbuddy_roles'
            FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = @schema
            """, connection, transaction);
        owner.Parameters.AddWithValue("schema", Name);
        await using var reader = await owner.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"schema {Name} is missing in database {connection.Database}: a shared pool database must be prepared with pool-database.sql by a superuser first");
        }
        if (!reader.GetBoolean(1))
        {
            throw new InvalidOperationException($"schema {Name} in database {connection.Database} belongs to {reader.GetString(0)}, not to the control plane: refusing to use it");
        }
        await reader.DisposeAsync();
        await using var guard = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = @name AND evtenabled = 'A')", connection, transaction);
        guard.Parameters.AddWithValue("name", WindowGuardTrigger);
        if (!(bool)(await guard.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new InvalidOperationException($"database {connection.Database} has no {WindowGuardTrigger} event trigger: prepare it again with pool-database.sql as a superuser (a read-only window is unsafe without it)");
        }
    }

    /// <summary>The event trigger of window-guard.sql.</summary>
    public const string WindowGuardTrigger = "mechanicbuddy_window_owner_ddl";

    /// <summary>Whether the control plane is this database's superuser (a tenant's own instance or cluster) rather than a pool's owner.</summary>
    public static async Task<bool> IsSuperuserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", connection, transaction);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task CallAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string function, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Name}.{function}(@role)", connection, transaction);
        command.Parameters.AddWithValue("role", role);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string ReadResource(string name)
    {
        using var stream = typeof(ControlSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} missing from {typeof(ControlSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
