using System.Collections.Concurrent;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using MechanicBuddy.TenantDatabase.Control;
using Npgsql;

namespace MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;

/// <summary>One pooled data source per shared pool, logged in as the control plane's role with search_path pinned to pg_catalog; pools are resolved by name only.</summary>
public sealed class SharedPools(IOptions<ProvisioningOptions> options) : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);

    public string ConnectionString(string pool) =>
        options.Value.FreeTier.Pool(pool).PostgresConnectionString
        ?? throw new InvalidOperationException($"Shared pool '{pool}' has no PostgresConnectionString");

    public NpgsqlDataSource DataSource(string pool) =>
        _sources.GetOrAdd(pool, name => ControlPlaneConnection.DataSource(ConnectionString(name)));

    /// <summary>The pools listed in configuration.</summary>
    public IEnumerable<string> ConfiguredNames => options.Value.FreeTier.EffectivePools().Select(p => p.Name);

    /// <summary>
    /// Every pool there is: the configured ones and, on each configured server, the pool databases the registry created
    /// there (found by their names, as the server holds them: the worker keeps no list of its own).
    /// </summary>
    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken)
    {
        var names = ConfiguredNames.ToList();
        foreach (var server in options.Value.FreeTier.Servers.Where(s => !string.IsNullOrWhiteSpace(s.PostgresConnectionString)))
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.PostgresConnectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @pattern ORDER BY datname", connection);
            list.Parameters.AddWithValue("pattern", SharedPoolNames.DatabaseLikePattern(server.Name));
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var suffix = reader.GetString(0)[^4..];
                if (int.TryParse(suffix, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                    && SharedPoolNames.Database(server.Name, number) == reader.GetString(0))
                {
                    names.Add(SharedPoolNames.Pool(server.Name, number));
                }
            }
        }
        return names;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync();
        }
    }
}
