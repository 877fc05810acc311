using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Pools;

/// <summary>
/// Keeps <c>Provisioning:FreeTier:PoolHeadroom</c> pools with room: when fewer take tenants, it decides the next pool
/// (under a registry lock, so concurrent signups decide it once) on the least-loaded server that has room for one,
/// and prepares every pool still being prepared. A free signup is refused only when no server can take a pool more.
/// </summary>
public sealed class PoolGrowth(NpgsqlDataSource registry, IOptions<ProvisioningOptions> options, PoolCatalog catalog, PoolPreparer preparer)
{
    FreeTierOptions FreeTier => options.Value.FreeTier;

    /// <summary>
    /// Grows the tier as far as the headroom asks and the servers allow. True when placing a tenant is worth another try
    /// (a pool has room, or one more can be made); false when every server is full or a preparation is failing.
    /// </summary>
    public async Task<bool> EnsureHeadroomAsync(CancellationToken cancellationToken)
    {
        if (FreeTier.Servers.Count == 0)
        {
            return false;
        }
        IReadOnlyList<string> preparing;
        await using (var connection = await registry.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var growth = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('mechanicbuddy:pool-growth'))", connection, transaction))
            {
                await growth.ExecuteNonQueryAsync(cancellationToken);
            }
            var pools = await catalog.ListAsync(connection, transaction, cancellationToken);
            var wanted = FreeTier.PoolHeadroom - pools.Count(PoolCatalog.HasRoom) - pools.Count(p => p.State == PoolCatalog.Preparing);
            for (var i = 0; i < wanted && NextPool(pools) is { } next; i++)
            {
                await using var decide = new NpgsqlCommand("INSERT INTO shared_pools (name, server, number, state) VALUES (@name, @server, @number, 'Preparing')",
                    connection, transaction);
                decide.Parameters.AddWithValue("name", next.Name);
                decide.Parameters.AddWithValue("server", next.Server);
                decide.Parameters.AddWithValue("number", next.Number);
                await decide.ExecuteNonQueryAsync(cancellationToken);
                pools = [.. pools, new SharedPoolDto { Name = next.Name, Server = next.Server, State = PoolCatalog.Preparing, Draining = false, Capacity = FreeTier.MaxTenantsPerInstance, Tenants = 0 }];
            }
            await transaction.CommitAsync(cancellationToken);
            preparing = pools.Where(p => p.State == PoolCatalog.Preparing).Select(p => p.Name).ToList();
        }
        var failed = false;
        foreach (var pool in preparing)
        {
            try
            {
                await preparer.PrepareAsync(pool, cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // Recorded on the pool (GET /api/pools shows it); the keeper tries again.
                failed = true;
            }
        }
        // Worth another placement round: a pool has room now, or (nothing failing) a server can still take one more.
        await using var check = await registry.OpenConnectionAsync(cancellationToken);
        var now = await catalog.ListAsync(check, null, cancellationToken);
        return now.Any(PoolCatalog.HasRoom) || (!failed && NextPool(now) is not null);
    }

    /// <summary>
    /// The next pool: on the server with the smallest share of its tenant capacity in use (then the fewest pools), among
    /// those below their MaxPools. Spreading over servers first keeps each server's load and connections even; a new
    /// pool is always the least-filled one, so placement fills it next.
    /// </summary>
    (string Name, string Server, int Number)? NextPool(IReadOnlyList<SharedPoolDto> pools)
    {
        var perPool = FreeTier.MaxTenantsPerInstance;
        var server = FreeTier.Servers
            .Select(s => (Server: s, Pools: pools.Where(p => p.Server == s.Name).ToList()))
            .Where(s => s.Pools.Count < s.Server.MaxPools)
            .OrderBy(s => (double)s.Pools.Sum(p => p.Tenants) / (s.Server.MaxPools * (double)perPool))
            .ThenBy(s => s.Pools.Count)
            .ThenBy(s => s.Server.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (server.Server is null)
        {
            return null;
        }
        var used = server.Pools.Select(p => SharedPoolNames.TryParse(p.Name, out _, out var n) ? n : 0).ToHashSet();
        var number = Enumerable.Range(1, 9999).First(n => !used.Contains(n));
        return (SharedPoolNames.Pool(server.Server.Name, number), server.Server.Name, number);
    }
}
