using System.Collections.Concurrent;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using MechanicBuddy.TenantDatabase.Control;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MechanicBuddy.Tenancy.Configuration;
using Npgsql;
using static MechanicBuddy.TenantDatabase.SqlIdentifiers;

namespace MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;

/// <summary>
/// A tenant's slot in a shared pool: schema tenant_{id} owned by login role tenant_{id}_app. The role belongs to the
/// pool's "_tenants" group, the only grantee of CONNECT on the pool database, so it reaches this database, its own
/// schema and nothing else (no public schema, no temporary tables, no other database). The control plane has no
/// CREATEROLE and is a member of no tenant role: roles are made through the pool's mechanicbuddy_control functions
/// (pool-database.sql, run by a superuser), and membership is taken for one transaction when a step needs it.
/// </summary>
public sealed class SharedPoolSchemas(SharedPools pools, IOptions<ProvisioningOptions> options, ILogger<SharedPoolSchemas> logger)
{
    readonly ConcurrentDictionary<string, Lazy<Task<string>>> _prepared = new(StringComparer.Ordinal);

    /// <summary>
    /// Once per pool and process: check the database was prepared by a superuser and that its connection budget holds.
    /// Returns the tenant group's name. Only a success is kept: a failed or cancelled attempt is forgotten so the next
    /// signup tries again instead of failing on a cached fault. The shared attempt is not tied to the token of
    /// whichever caller happened to start it.
    /// </summary>
    public async Task<string> PreparePoolAsync(string pool, CancellationToken cancellationToken)
    {
        var attempt = _prepared.GetOrAdd(pool, name => new Lazy<Task<string>>(() => PrepareAsync(name, CancellationToken.None)));
        try
        {
            return await attempt.Value.WaitAsync(cancellationToken);
        }
        catch when (attempt.Value.IsFaulted || attempt.Value.IsCanceled)
        {
            _prepared.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(pool, attempt));
            throw;
        }
    }

    async Task<string> PrepareAsync(string pool, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnectionStringBuilder(pools.ConnectionString(pool)).Database
            ?? throw new InvalidOperationException($"Shared pool '{pool}' names no database");
        var group = GroupName(database);
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ControlSchema.RequireTrustedOwnerAsync(connection, transaction, cancellationToken);
        // Serialises concurrent preparers on this database with a lock no tenant can take (an advisory lock could be
        // held by any tenant connected here, and the worker would wait for good).
        await Execute(connection, transaction, $"LOCK TABLE {ControlSchema.Name}.pool_lock IN EXCLUSIVE MODE", cancellationToken);
        if (!await RoleExistsAsync(connection, transaction, group, cancellationToken))
        {
            throw new InvalidOperationException($"pool '{pool}': tenant group {group} is missing; prepare database {database} with pool-database.sql as a superuser");
        }
        await CheckConnectionBudgetAsync(pool, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return group;
    }

    /// <summary>
    /// The pools on one server promise their tenants capacity × TenantConnectionLimit connections each; with the
    /// control plane's reserve that must fit the server's max_connections, or a pool full of busy (or hostile) shops
    /// could leave the control plane and the other pools without a connection.
    /// </summary>
    async Task CheckConnectionBudgetAsync(string pool, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var freeTier = options.Value.FreeTier;
        var server = ServerOf(pools.ConnectionString(pool));
        // Every pool the server may come to hold: the configured ones on it and all the pools a grown server may get.
        var promised = freeTier.EffectivePools()
            .Where(p => p.PostgresConnectionString is not null && ServerOf(p.PostgresConnectionString) == server)
            .Sum(p => (long)p.MaxTenantsPerInstance * freeTier.TenantConnectionLimit)
            + freeTier.Servers.Where(s => s.PostgresConnectionString is not null && ServerOf(s.PostgresConnectionString) == server)
                .Sum(s => (long)s.MaxPools * freeTier.MaxTenantsPerInstance * freeTier.TenantConnectionLimit);
        await using var command = new NpgsqlCommand("SELECT setting::int FROM pg_settings WHERE name = 'max_connections'", connection, transaction);
        var available = (int)(await command.ExecuteScalarAsync(cancellationToken))! - freeTier.ControlPlaneConnectionReserve;
        if (promised <= available)
        {
            return;
        }
        var problem = $"the pools on {server} promise their tenants {promised} connections ({freeTier.TenantConnectionLimit} per tenant), " +
            $"more than the server's max_connections less the control plane's reserve of {freeTier.ControlPlaneConnectionReserve} ({available})";
        if (!freeTier.AllowConnectionOversubscription)
        {
            throw new InvalidOperationException($"pool '{pool}': {problem}; lower MaxTenantsPerInstance or TenantConnectionLimit, or raise max_connections");
        }
        logger.LogWarning("Pool {Pool}: {Problem} (allowed by Provisioning:FreeTier:AllowConnectionOversubscription)", pool, problem);
    }

    static string ServerOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}";
    }

    public static string GroupName(string database)
    {
        var name = database + "_tenants";
        return name.Length <= 63 ? name : name[..63];
    }

    /// <summary>Creates (or, on a re-run, re-keys) the role and creates the schema it owns. Idempotent.</summary>
    public async Task CreateTenantAsync(string pool, TenantNames names, string rolePassword, CancellationToken cancellationToken)
    {
        await PreparePoolAsync(pool, cancellationToken);
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var role = new NpgsqlCommand($"SELECT {ControlSchema.Name}.create_tenant_role(@role, @verifier, @limit)", connection, transaction))
        {
            role.Parameters.AddWithValue("role", names.Role);
            role.Parameters.AddWithValue("verifier", ScramVerifier.Create(rolePassword));
            role.Parameters.AddWithValue("limit", options.Value.FreeTier.TenantConnectionLimit);
            await role.ExecuteNonQueryAsync(cancellationToken);
        }
        await ControlSchema.EnterTenantAsync(connection, transaction, names.Role, superuser: false, cancellationToken);
        await Execute(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {Quote(names.Schema)} AUTHORIZATION {Quote(names.Role)}", cancellationToken);
        await ControlSchema.LeaveTenantAsync(connection, transaction, names.Role, superuser: false, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Drops the schema with everything in it, then the role (and a tier change's mover login). Idempotent: a missing piece is not an error.</summary>
    public async Task DropTenantAsync(string pool, TenantNames names, CancellationToken cancellationToken)
    {
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await DropRoleAsync(connection, transaction, names.MoverRole, cancellationToken);
        if (await RoleExistsAsync(connection, transaction, names.Role, cancellationToken))
        {
            await ControlSchema.EnterTenantAsync(connection, transaction, names.Role, superuser: false, cancellationToken);
            await Execute(connection, transaction, $"DROP SCHEMA IF EXISTS {Quote(names.Schema)} CASCADE; DROP OWNED BY {Quote(names.Role)}", cancellationToken);
            await DropRoleAsync(connection, transaction, names.Role, cancellationToken);
        }
        else
        {
            await Execute(connection, transaction, $"DROP SCHEMA IF EXISTS {Quote(names.Schema)} CASCADE", cancellationToken);
        }
        // A tenant removed in the middle of a read-only window: its tables went with the schema, their owner goes now.
        await DropRoleAsync(connection, transaction, TenantWriteFreeze.WindowOwner(names.Schema), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    static Task DropRoleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string role, CancellationToken cancellationToken) =>
        ControlSchema.DropTenantRoleAsync(connection, transaction, role, superuser: false, cancellationToken);

    public async Task<(bool Schema, bool Role)> ExistsAsync(string pool, TenantNames names, CancellationToken cancellationToken)
    {
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema), EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", connection);
        command.Parameters.AddWithValue("schema", names.Schema);
        command.Parameters.AddWithValue("role", names.Role);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetBoolean(0), reader.GetBoolean(1));
    }

    /// <summary>Every tenant schema and tenant login role in the pool, by tenant id (for the drift check).</summary>
    public async Task<IReadOnlyList<(string Kind, string TenantId)>> ListTenantPiecesAsync(string pool, CancellationToken cancellationToken)
    {
        // Roles are server-wide and one server may hold several pools: this pool's are the members of its tenant group.
        var group = await PreparePoolAsync(pool, cancellationToken);
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT 'schema', nspname FROM pg_namespace WHERE nspname LIKE 'tenant\_%'
            UNION ALL
            SELECT 'role', r.rolname FROM pg_roles r
            JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid
            WHERE g.rolname = @group AND r.rolname LIKE 'tenant\_%\_app'
            """, connection);
        command.Parameters.AddWithValue("group", group);
        var pieces = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var kind = reader.GetString(0);
            var name = reader.GetString(1);
            var id = (kind == "role" ? name["tenant_".Length..^"_app".Length] : name["tenant_".Length..]).Replace('_', '-');
            if (TenantIds.IsValid(id))
            {
                pieces.Add((kind, id));
            }
        }
        return pieces;
    }

    static async Task<bool> RoleExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", connection, transaction);
        command.Parameters.AddWithValue("role", role);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
