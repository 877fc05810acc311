using System.Security.Cryptography;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase.Control;
using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// A connection to a tenant's shop tables with the tenant's rights and no more. The control plane reads and writes
/// tenant rows (a tier change's copy and verify) only through one of these, never as itself: a tenant can attach code
/// to its tables (row-security policies, triggers, views, defaults, functions shadowing built-ins), and whatever of it
/// runs here runs as the tenant, so it can do nothing the tenant could not do anyway.
/// </summary>
public sealed class TenantSession : IAsyncDisposable
{
    readonly Func<ValueTask> _end;

    TenantSession(NpgsqlDataSource dataSource, Func<ValueTask> end) => (DataSource, _end) = (dataSource, end);

    public NpgsqlDataSource DataSource { get; }

    /// <summary>With the tenant's own login (a CNPG cluster's app owner, whose credentials the control plane is given).</summary>
    public static TenantSession WithOwnLogin(string connectionString, string schema) =>
        new(TenantLogin.WithBuiltInTypes(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString), () => ValueTask.CompletedTask);

    /// <summary>
    /// With a short-lived login (tenant_{id}_mv) that is a member of the tenant's role only, made with a fresh random
    /// password for this session and dropped when it ends; a crash leaves it to be re-keyed by the next session or
    /// dropped with the tenant. Made through the pool's role functions, or directly where <paramref name="admin"/> is
    /// the database's superuser.
    /// </summary>
    public static async Task<TenantSession> AsMoverAsync(NpgsqlDataSource admin, string serverConnectionString, TenantNames names, CancellationToken cancellationToken)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var verifier = ScramVerifier.Create(password);
        await using (var connection = await admin.OpenConnectionAsync(cancellationToken))
        {
            if (await ControlSchema.IsSuperuserAsync(connection, null, cancellationToken))
            {
                var exists = await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", names.MoverRole, cancellationToken);
                await ExecuteAsync(connection, exists
                    ? $"ALTER ROLE {SqlIdentifiers.Quote(names.MoverRole)} LOGIN PASSWORD {SqlIdentifiers.QuoteLiteral(verifier)}"
                    : $"CREATE ROLE {SqlIdentifiers.Quote(names.MoverRole)} LOGIN PASSWORD {SqlIdentifiers.QuoteLiteral(verifier)} " +
                      $"NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 4 IN ROLE {SqlIdentifiers.Quote(names.Role)}",
                    cancellationToken);
            }
            else
            {
                await using var create = new NpgsqlCommand($"SELECT {ControlSchema.Name}.create_mover_role(@role, @verifier)", connection);
                create.Parameters.AddWithValue("role", names.Role);
                create.Parameters.AddWithValue("verifier", verifier);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        var login = new NpgsqlConnectionStringBuilder(serverConnectionString)
        {
            Username = names.MoverRole, Password = password, SearchPath = names.Schema, MaxPoolSize = 2,
        };
        var dataSource = TenantLogin.WithBuiltInTypes(login.ConnectionString);
        return new TenantSession(dataSource, async () =>
        {
            await dataSource.DisposeAsync();
            await DropMoverAsync(admin, names, CancellationToken.None);
        });
    }

    /// <summary>Drops the mover login if it is there (a session that ended, or one a crash left behind).</summary>
    public static async Task DropMoverAsync(NpgsqlDataSource admin, TenantNames names, CancellationToken cancellationToken)
    {
        await using var connection = await admin.OpenConnectionAsync(cancellationToken);
        await ControlSchema.DropTenantRoleAsync(connection, null, names.MoverRole, await ControlSchema.IsSuperuserAsync(connection, null, cancellationToken), cancellationToken);
    }

    public ValueTask DisposeAsync() => _end();

    static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("role", role);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
