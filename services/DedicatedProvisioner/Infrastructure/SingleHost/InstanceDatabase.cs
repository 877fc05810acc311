using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;
using MechanicBuddy.TenantDatabase.Control;
using static MechanicBuddy.TenantDatabase.SqlIdentifiers;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;

/// <summary>
/// Inside a tenant's own instance: database <see cref="Database"/> owned by the tenant's login role, its schema
/// tenant_{id} made by the same migrations as the shared path, and nobody else allowed to connect.
/// </summary>
public sealed class InstanceDatabase(PostgresInstances instances)
{
    public const string Database = "mechanicbuddy";

    /// <summary>Role (re-keyed on a re-run), database and schema. Idempotent.</summary>
    public async Task CreateAsync(TenantNames names, string superuserPassword, string rolePassword, CancellationToken cancellationToken)
    {
        var role = Quote(names.Role);
        var verifier = QuoteLiteral(ScramVerifier.Create(rolePassword));
        await using (var server = new NpgsqlConnection(instances.ConnectionString(names.TenantId, "postgres", PostgresInstances.Superuser, superuserPassword)))
        {
            await server.OpenAsync(cancellationToken);
            var roleExists = await ExistsAsync(server, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @name)", names.Role, cancellationToken);
            await ExecuteAsync(server, roleExists
                ? $"ALTER ROLE {role} LOGIN PASSWORD {verifier}"
                : $"CREATE ROLE {role} LOGIN PASSWORD {verifier} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION", cancellationToken);
            if (!await ExistsAsync(server, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", Database, cancellationToken))
            {
                // CREATE DATABASE cannot run in a transaction; a crash right after it is caught by the check above on the re-run.
                await ExecuteAsync(server, $"CREATE DATABASE {Quote(Database)} OWNER {role}", cancellationToken);
            }
            await ExecuteAsync(server,
                $"""
                REVOKE ALL ON DATABASE postgres FROM PUBLIC;
                REVOKE ALL ON DATABASE template1 FROM PUBLIC;
                REVOKE ALL ON DATABASE {Quote(Database)} FROM PUBLIC;
                GRANT CONNECT ON DATABASE {Quote(Database)} TO {role};
                """, cancellationToken);
        }
        await using var database = new NpgsqlConnection(instances.ConnectionString(names.TenantId, Database, PostgresInstances.Superuser, superuserPassword));
        await database.OpenAsync(cancellationToken);
        await ExecuteAsync(database,
            $"""
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            CREATE SCHEMA IF NOT EXISTS {Quote(names.Schema)} AUTHORIZATION {role};
            ALTER ROLE {role} SET search_path = {Quote(names.Schema)};
            """, cancellationToken);
        // The tenant owns this database and could make any schema in it once it logs in: the control plane's own
        // schema is made now, before the tenant has its password.
        await ControlSchema.EnsureOwnAsync(database, null, cancellationToken);
    }

    /// <summary>The server connection string the tenant's own login is built on (see <see cref="TenantLogin"/>).</summary>
    public string ServerConnectionString(string tenantId) => instances.ServerConnectionString(tenantId, Database);

    static async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
