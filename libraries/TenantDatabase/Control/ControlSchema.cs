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

    /// <summary>The superuser script that prepares a shared pool database (see the file's header).</summary>
    public static string PoolDatabaseSql { get; } = ReadResource("MechanicBuddy.TenantDatabase.Control.pool-database.sql");

    /// <summary>
    /// Membership of the control plane in one tenant role for the rest of this transaction only. In a pool this goes
    /// through the pool's role functions (the control plane has no CREATEROLE); as the superuser of a tenant's own
    /// database nothing is needed.
    /// </summary>
    public static async Task EnterTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantRole, CancellationToken cancellationToken)
    {
        if (!await IsSuperuserAsync(connection, transaction, cancellationToken))
        {
            await CallAsync(connection, transaction, "enter_tenant", tenantRole, cancellationToken);
        }
    }

    public static async Task LeaveTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantRole, CancellationToken cancellationToken)
    {
        if (!await IsSuperuserAsync(connection, transaction, cancellationToken))
        {
            await CallAsync(connection, transaction, "leave_tenant", tenantRole, cancellationToken);
        }
    }

    /// <summary>
    /// In a database where the control plane is superuser: makes the schema (and refuses to go on if someone else
    /// already made one of that name, e.g. a tenant that owns the database got there first).
    /// </summary>
    public static async Task EnsureOwnAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {Name}; REVOKE ALL ON SCHEMA {Name} FROM PUBLIC", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
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
    }

    /// <summary>Whether the control plane is this database's superuser (a tenant's own instance or cluster) rather than a pool's owner.</summary>
    public static async Task<bool> IsSuperuserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", connection, transaction);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task CallAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string function, string role, CancellationToken cancellationToken)
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
