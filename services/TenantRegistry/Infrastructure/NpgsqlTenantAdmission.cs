using MechanicBuddy.Tenancy;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.TenantRegistry.Pools;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

public sealed class NpgsqlTenantAdmission(NpgsqlDataSource registry, PoolCatalog catalog, PoolGrowth growth, PoolKeeper keeper)
    : ITenantAdmission
{
    /// <summary>Every state but the ended ones is live; spelled as the live-shop index's predicate (0005), so the index answers it.</summary>
    public async Task<string?> FindLiveDuplicateAsync(string tenantId, string companyName, string ownerEmail, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            SELECT tenant_id FROM tenant_sagas
            WHERE company_key = @company AND owner_email_key = @email AND tenant_id <> @tenant
              AND current_state NOT IN ('Failed', 'Deprovisioned', 'Compensating')
            LIMIT 1
            """);
        command.Parameters.AddWithValue("company", ShopKeys.Company(companyName));
        command.Parameters.AddWithValue("email", ShopKeys.Email(ownerEmail));
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<string?> FindLiveDomainOwnerAsync(string tenantId, string customDomain, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            SELECT tenant_id FROM tenant_sagas
            WHERE custom_domain = @domain AND tenant_id <> @tenant AND current_state NOT IN ('Failed', 'Deprovisioned', 'Compensating')
            LIMIT 1
            """);
        command.Parameters.AddWithValue("domain", customDomain.ToLowerInvariant());
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<string?> FindKeyOwnerAsync(string tenantId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand("SELECT tenant_id FROM tenant_sagas WHERE idempotency_key = @key AND tenant_id <> @tenant LIMIT 1");
        command.Parameters.AddWithValue("key", idempotencyKey);
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// The least-loaded pool with room takes the tenant (<see cref="PlacementOrder"/>); when none has room, the tier
    /// grows by a pool where a server can take one, and the signup waits for it. Per pool, under a transaction-scoped
    /// advisory lock, its slots are counted and one is taken if there is room: concurrent signups queue for the count,
    /// so a pool never takes more than its capacity.
    /// </summary>
    public async Task<string?> ReserveSharedSlotAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        await using (var existing = new NpgsqlCommand("SELECT pool FROM shared_pool_slots WHERE tenant_id = @tenant", connection))
        {
            existing.Parameters.AddWithValue("tenant", tenantId);
            if (await existing.ExecuteScalarAsync(cancellationToken) is string held)
            {
                return held;
            }
        }
        // Each round either places the tenant or adds a pool; a bound keeps a pool that fails to prepare from looping.
        for (var round = 0; round < 20; round++)
        {
            foreach (var pool in PlacementOrder(await catalog.ListAsync(connection, null, cancellationToken)))
            {
                if (await TryTakeSlotAsync(connection, pool, tenantId, cancellationToken) is { } taken)
                {
                    keeper.Nudge();
                    return taken;
                }
            }
            if (!await growth.EnsureHeadroomAsync(cancellationToken))
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// Pools with room, least-loaded server first (its share of the capacity of its pools in use), then the least-filled
    /// pool on it: tenants spread over servers (CPU, connections) and over small databases, since PostgreSQL's cost per
    /// new schema grows with the schemas already in a database.
    /// </summary>
    static IEnumerable<SharedPoolDto> PlacementOrder(IReadOnlyList<SharedPoolDto> pools)
    {
        var serverLoad = pools.GroupBy(p => p.Server).ToDictionary(g => g.Key, g => (double)g.Sum(p => p.Tenants) / Math.Max(1, g.Sum(p => p.Capacity)));
        return pools.Where(PoolCatalog.HasRoom)
            .OrderBy(p => serverLoad[p.Server])
            .ThenBy(p => (double)p.Tenants / p.Capacity)
            .ThenBy(p => p.Name, StringComparer.Ordinal);
    }

    static async Task<string?> TryTakeSlotAsync(NpgsqlConnection connection, SharedPoolDto pool, string tenantId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var reserve = new NpgsqlCommand(
            """
            SELECT pg_advisory_xact_lock(hashtext('mechanicbuddy:pool:' || @pool));
            INSERT INTO shared_pool_slots (tenant_id, pool)
            SELECT @tenant, @pool WHERE (SELECT count(*) FROM shared_pool_slots WHERE pool = @pool) < @capacity
              AND NOT EXISTS (SELECT 1 FROM shared_pools WHERE name = @pool AND (draining OR state <> 'Ready'))
            ON CONFLICT (tenant_id) DO NOTHING;
            """, connection, transaction))
        {
            reserve.Parameters.AddWithValue("pool", pool.Name);
            reserve.Parameters.AddWithValue("tenant", tenantId);
            reserve.Parameters.AddWithValue("capacity", (long)pool.Capacity);
            await reserve.ExecuteNonQueryAsync(cancellationToken);
        }
        // Read back rather than count inserted rows: the same tenant may have taken its slot meanwhile (one signup
        // delivered twice at once, or one Idempotency-Key sent concurrently), and that slot is this signup's too.
        string? held;
        await using (var slot = new NpgsqlCommand("SELECT pool FROM shared_pool_slots WHERE tenant_id = @tenant", connection, transaction))
        {
            slot.Parameters.AddWithValue("tenant", tenantId);
            held = await slot.ExecuteScalarAsync(cancellationToken) as string;
        }
        await transaction.CommitAsync(cancellationToken);
        return held;
    }

    public async Task ReleaseSharedSlotAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand("DELETE FROM shared_pool_slots WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("tenant", tenantId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsMigratingSchemaAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand("SELECT EXISTS (SELECT 1 FROM fleet_migration_tenants WHERE tenant_id = @tenant AND state = 'Migrating')");
        command.Parameters.AddWithValue("tenant", tenantId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
