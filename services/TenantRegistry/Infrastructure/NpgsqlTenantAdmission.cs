using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

public sealed class NpgsqlTenantAdmission(NpgsqlDataSource registry, IOptions<ProvisioningOptions> options) : ITenantAdmission
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
    /// Per pool, under a transaction-scoped advisory lock: count its slots and take one if there is room. The lock makes
    /// concurrent signups queue for the count, so a pool never takes more than MaxTenantsPerInstance.
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
        foreach (var pool in options.Value.FreeTier.EffectivePools())
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var reserve = new NpgsqlCommand(
                """
                SELECT pg_advisory_xact_lock(hashtext('mechanicbuddy:pool:' || @pool));
                INSERT INTO shared_pool_slots (tenant_id, pool)
                SELECT @tenant, @pool WHERE (SELECT count(*) FROM shared_pool_slots WHERE pool = @pool) < @capacity
                ON CONFLICT (tenant_id) DO NOTHING;
                """, connection, transaction))
            {
                reserve.Parameters.AddWithValue("pool", pool.Name);
                reserve.Parameters.AddWithValue("tenant", tenantId);
                reserve.Parameters.AddWithValue("capacity", (long)pool.MaxTenantsPerInstance);
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
            if (held is not null)
            {
                return held;
            }
        }
        return null;
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
