using MechanicBuddy.Contracts.Http;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;

namespace MechanicBuddy.DedicatedProvisioner.Api;

/// <summary>
/// Each dedicated shop's real schema version, from its own journal, for the drift check to compare with the Tenant
/// record: reached the way a rollout migrates it (its instance, or its cluster's -rw service) and read with the
/// tenant's rights, never the control plane's. A database that cannot be reached is not reported here; the instance
/// or namespace check speaks for it. A tenant whose command runs now (a migration, a data move) is skipped, not
/// waited for: the read's stand-in login is the same one such a command uses.
/// </summary>
public static class DedicatedShopVersions
{
    const int AtOnce = 4;

    public static async Task<IReadOnlyList<InventoryItem>> ReadAsync(IDedicatedPlatform platform, ProvisioningInbox inbox, ShopSchemaMigrator migrator, IReadOnlyList<string> tenantIds,
        ILogger logger, CancellationToken cancellationToken)
    {
        var items = new System.Collections.Concurrent.ConcurrentBag<InventoryItem>();
        await Parallel.ForEachAsync(tenantIds, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken }, async (tenantId, token) =>
        {
            using var held = inbox.TryEnter(tenantId);
            if (held is null)
            {
                return;
            }
            try
            {
                await using var database = await platform.OpenDatabaseAsync(tenantId, ns: null, token);
                var version = await database.ReadShopVersionAsync(migrator, token);
                items.Add(new InventoryItem
                {
                    Kind = InventoryItem.SchemaVersionKind, TenantId = tenantId, Location = InventoryItem.VersionLocation(DeploymentModes.Dedicated, pool: null),
                    Detail = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                logger.LogInformation("Schema version of {TenantId} not read for the drift check: {Error}", tenantId, ex.Message);
            }
        });
        return [.. items];
    }
}
