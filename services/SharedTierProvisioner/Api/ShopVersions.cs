using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Provisioning.Secrets;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;

namespace MechanicBuddy.SharedTierProvisioner.Api;

/// <summary>
/// Each shop's real schema version, from its own journal, for the drift check to compare with the Tenant record. The
/// journal is the tenant's table, so it is read with the tenant's own login: whatever the tenant attached to it runs
/// with the tenant's rights and no more (never as the control plane). A shop whose login fails is not reported.
/// </summary>
public static class ShopVersions
{
    const int AtOnce = 4;

    public static async Task<IReadOnlyList<InventoryItem>> ReadAsync(string poolConnectionString, string pool, IReadOnlyList<string> tenantIds,
        ITenantSecretStore secrets, CancellationToken cancellationToken)
    {
        var items = new System.Collections.Concurrent.ConcurrentBag<InventoryItem>();
        await Parallel.ForEachAsync(tenantIds, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken }, async (tenantId, token) =>
        {
            if (await secrets.ExistingDatabasePasswordAsync(tenantId, token) is not { } password)
            {
                return;
            }
            var names = new TenantNames(tenantId);
            try
            {
                await using var shop = TenantLogin.DataSource(poolConnectionString, names, password);
                await using var read = shop.CreateCommand($"SELECT scriptname FROM {SqlIdentifiers.Quote(names.Schema)}.{SqlIdentifiers.Quote(ShopTables.Journal)}");
                var scripts = new List<string>();
                await using (var reader = await read.ExecuteReaderAsync(token))
                {
                    while (await reader.ReadAsync(token))
                    {
                        scripts.Add(reader.GetString(0));
                    }
                }
                var version = ShopSchemaVersions.Highest(scripts);
                items.Add(new InventoryItem { Kind = InventoryItem.SchemaVersionKind, TenantId = tenantId, Location = InventoryItem.VersionLocation(DeploymentModes.Shared, pool), Detail = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // Its login is gone or its journal unreadable (a tenant may break its own schema): the other checks speak for it.
            }
        });
        return [.. items];
    }
}
