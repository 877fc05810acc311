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

    public NpgsqlDataSource DataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
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
        await using var connection = new NpgsqlConnection(TestEnvironment.ConnectionString("mechanicbuddy_registry"));
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
