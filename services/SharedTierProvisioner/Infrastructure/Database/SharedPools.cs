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

    public IEnumerable<string> Names => options.Value.FreeTier.EffectivePools().Select(p => p.Name);

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync();
        }
    }
}
