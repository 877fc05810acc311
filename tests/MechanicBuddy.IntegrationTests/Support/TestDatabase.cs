using Npgsql;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>A fresh database on the test PostgreSQL, owned by the control plane's role, dropped (with its tenant roles) afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public string Name { get; }
    public string ConnectionString => TestEnvironment.ConnectionString(Name);

    TestDatabase(string name) => Name = name;

    public static async Task<TestDatabase> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using var connection = new NpgsqlConnection(TestEnvironment.ConnectionString("mechanicbuddy_registry"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" OWNER mechanicbuddy", connection);
        await create.ExecuteNonQueryAsync();
        return new TestDatabase(name);
    }

    /// <summary>A fresh database prepared as a shared pool, as a DBA would (pool-database.sql run by a superuser).</summary>
    public static async Task<TestDatabase> CreatePoolAsync(string prefix)
    {
        var database = await CreateAsync(prefix);
        await using var connection = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(database.Name));
        await connection.OpenAsync();
        await using var prepare = new NpgsqlCommand(MechanicBuddy.TenantDatabase.Control.ControlSchema.PoolDatabaseSql, connection);
        await prepare.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Runs SQL as the control plane's own role (the database's owner), e.g. to leave something behind that the control plane itself would have made.</summary>
    public async Task OwnerExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public NpgsqlDataSource DataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>A new schema made by the database's owner, and a data source whose search path is that schema (as a shop's tables are reached).</summary>
    public async Task<NpgsqlDataSource> SchemaAsync(string schema)
    {
        await OwnerExecuteAsync($"CREATE SCHEMA {MechanicBuddy.TenantDatabase.SqlIdentifiers.Quote(schema)}");
        return new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString).Build();
    }

    /// <summary>
    /// Runs SQL as the test cluster's superuser: the tests look at (and break) tenant data as a DBA would; the control
    /// plane's own role can no longer read a tenant's rows.
    /// </summary>
    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(Name));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // As the superuser: the control plane's role is a member of no tenant role, so it may not end their sessions.
        await using var connection = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"));
        await connection.OpenAsync();
        // FORCE may not end a session of a tenant role the test already dropped (the control plane's role is no longer
        // a member of it): such a session is closing on its own, so wait for it a little, then leave the database to
        // the test cluster, which every test run starts afresh.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                if (attempt == 25)
                {
                    await Console.Error.WriteLineAsync($"test database {Name} left behind: {ex.MessageText}");
                    return;
                }
                await Task.Delay(200);
            }
        }
    }
}
