using System.Collections.Concurrent;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;
using static MechanicBuddy.TenantDatabase.SqlIdentifiers;

namespace MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;

/// <summary>
/// A tenant's slot in a shared pool: schema tenant_{id} owned by login role tenant_{id}_app. The role belongs to the
/// pool's "_tenants" group, the only grantee of CONNECT on the pool database, so it reaches this database, its own
/// schema and nothing else (no public schema, no temporary tables, no other database).
/// </summary>
public sealed class SharedPoolSchemas(SharedPools pools)
{
    readonly ConcurrentDictionary<string, Lazy<Task<string>>> _prepared = new(StringComparer.Ordinal);

    /// <summary>
    /// Once per pool and process: lock the database down and make its tenant group. Returns the group's name. Only a
    /// success is kept: a failed or cancelled attempt is forgotten so the next signup tries again instead of failing
    /// on a cached fault. The shared attempt is not tied to the token of whichever caller happened to start it.
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
        // Serialises concurrent preparers (several worker processes starting together) on this database.
        await Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext('mechanicbuddy:prepare-pool'))", cancellationToken);
        if (!await RoleExistsAsync(connection, transaction, group, cancellationToken))
        {
            await Execute(connection, transaction, $"CREATE ROLE {Quote(group)} NOLOGIN", cancellationToken);
        }
        await Execute(connection, transaction,
            $"""
            REVOKE ALL ON DATABASE {Quote(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {Quote(database)} TO {Quote(group)};
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return group;
    }

    public static string GroupName(string database)
    {
        var name = database + "_tenants";
        return name.Length <= 63 ? name : name[..63];
    }

    /// <summary>Creates (or, on a re-run, re-keys) the role and creates the schema it owns. Idempotent.</summary>
    public async Task CreateTenantAsync(string pool, TenantNames names, string rolePassword, CancellationToken cancellationToken)
    {
        var group = await PreparePoolAsync(pool, cancellationToken);
        var verifier = QuoteLiteral(ScramVerifier.Create(rolePassword));
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var role = Quote(names.Role);
        var ddl = await RoleExistsAsync(connection, transaction, names.Role, cancellationToken)
            ? $"ALTER ROLE {role} PASSWORD {verifier};"
            : $"CREATE ROLE {role} LOGIN PASSWORD {verifier} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 20 IN ROLE {Quote(group)};";
        await Execute(connection, transaction,
            $"""
            {ddl}
            GRANT {role} TO CURRENT_USER;
            CREATE SCHEMA IF NOT EXISTS {Quote(names.Schema)} AUTHORIZATION {role};
            ALTER ROLE {role} SET search_path = {Quote(names.Schema)};
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Drops the schema with everything in it, then the role. Idempotent: a missing piece is not an error.</summary>
    public async Task DropTenantAsync(string pool, TenantNames names, CancellationToken cancellationToken)
    {
        await using var connection = await pools.DataSource(pool).OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"DROP SCHEMA IF EXISTS {Quote(names.Schema)} CASCADE", cancellationToken);
        if (await RoleExistsAsync(connection, transaction, names.Role, cancellationToken))
        {
            await Execute(connection, transaction, $"DROP OWNED BY {Quote(names.Role)}; DROP ROLE {Quote(names.Role)};", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

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
