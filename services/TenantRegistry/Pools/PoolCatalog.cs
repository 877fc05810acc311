using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Pools;

/// <summary>
/// The shared tier's pools as the registry knows them: the ones listed in configuration (always ready; a row only once
/// an operator drains one) and the ones it created on its servers (shared_pools), each with its tenants counted from
/// the slots it holds.
/// </summary>
public sealed class PoolCatalog(NpgsqlDataSource registry, IOptions<ProvisioningOptions> options)
{
    public const string Configured = "configured";
    public const string Preparing = "Preparing";
    public const string Ready = "Ready";

    FreeTierOptions FreeTier => options.Value.FreeTier;

    public async Task<IReadOnlyList<SharedPoolDto>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var tenants = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var count = new NpgsqlCommand("SELECT pool, count(*)::int FROM shared_pool_slots GROUP BY pool", connection, transaction))
        await using (var reader = await count.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants[reader.GetString(0)] = reader.GetInt32(1);
            }
        }
        var rows = new Dictionary<string, SharedPoolDto>(StringComparer.Ordinal);
        await using (var list = new NpgsqlCommand("SELECT name, server, state, draining, error FROM shared_pools ORDER BY server, number NULLS FIRST, name", connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                rows[name] = new SharedPoolDto
                {
                    Name = name, Server = reader.GetString(1), State = reader.GetString(2), Draining = reader.GetBoolean(3),
                    Error = reader.IsDBNull(4) ? null : reader.GetString(4), Capacity = CapacityOf(name), Tenants = tenants.GetValueOrDefault(name),
                };
            }
        }
        var configured = FreeTier.EffectivePools().Select(p => rows.TryGetValue(p.Name, out var row) ? row : new SharedPoolDto
        {
            Name = p.Name, Server = Configured, State = Ready, Draining = false, Capacity = p.MaxTenantsPerInstance, Tenants = tenants.GetValueOrDefault(p.Name),
        });
        return [.. configured, .. rows.Values.Where(r => r.Server != Configured)];
    }

    public async Task<SharedPoolsReport> ReportAsync(CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        var pools = await ListAsync(connection, null, cancellationToken);
        return new SharedPoolsReport
        {
            Pools = pools,
            PoolsWithRoom = pools.Count(HasRoom),
            Servers = FreeTier.Servers.Select(s => new SharedServerDto
            {
                Name = s.Name, MaxPools = s.MaxPools, Pools = pools.Count(p => p.Server == s.Name), Tenants = pools.Where(p => p.Server == s.Name).Sum(p => p.Tenants),
            }).ToList(),
        };
    }

    public static bool HasRoom(SharedPoolDto pool) => pool.State == Ready && !pool.Draining && pool.Tenants < pool.Capacity;

    int CapacityOf(string pool) => FreeTier.EffectivePools().FirstOrDefault(p => p.Name == pool)?.MaxTenantsPerInstance ?? FreeTier.MaxTenantsPerInstance;

    /// <summary>Drains a pool (no new tenants; those in it stay) or lets it take tenants again; false when there is no such pool.</summary>
    public async Task<bool> SetDrainingAsync(string pool, bool draining, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            FreeTier.EffectivePools().Any(p => p.Name == pool)
                ? """
                  INSERT INTO shared_pools (name, server, state, draining, ready_at) VALUES (@name, 'configured', 'Ready', @draining, now())
                  ON CONFLICT (name) DO UPDATE SET draining = excluded.draining
                  """
                : "UPDATE shared_pools SET draining = @draining WHERE name = @name AND server <> 'configured'");
        command.Parameters.AddWithValue("name", pool);
        command.Parameters.AddWithValue("draining", draining);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
