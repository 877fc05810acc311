using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Secrets;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.SharedTierProvisioner.Api;

/// <summary>
/// What the shared tier really holds, for the Gateway's drift check: schemas and roles per pool, routes, secrets. A pool
/// restarting is waited out rather than answered with a 500.
/// </summary>
public static class InventoryEndpoints
{
    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/inventory", async (string? versions, SharedPools pools, SharedPoolSchemas schemas, ITenantRouteDriver routes, ITenantSecretStore secrets,
            CancellationToken cancellationToken) => await TransientRetry.RunAsync(async () =>
        {
            var items = new List<InventoryItem>();
            foreach (var pool in await pools.NamesAsync(cancellationToken))
            {
                var pieces = await schemas.ListTenantPiecesAsync(pool, cancellationToken);
                items.AddRange(pieces.Select(p => new InventoryItem { Kind = p.Kind, TenantId = p.TenantId, Location = $"pool {pool}" }));
                items.AddRange(await ShopVersions.ReadAsync(pools.ConnectionString(pool), pool,
                    pieces.Where(p => p.Kind == "schema" && InventoryItem.WantsVersion(versions, p.TenantId)).Select(p => p.TenantId).ToList(), secrets, cancellationToken));
            }
            items.AddRange((await routes.ListRoutedTenantsAsync(cancellationToken)).Select(id => new InventoryItem { Kind = "route", TenantId = id, Location = "edge" }));
            items.AddRange(secrets.ListTenants().Select(id => new InventoryItem { Kind = "secret", TenantId = id, Location = "secret store" }));
            return new Inventory { Source = "shared-tier-provisioner", DeploymentMode = DeploymentModes.Shared, Items = items };
        }, cancellationToken)).AddEndpointFilter<ServiceKeyFilter<InventoryApiOptions>>();
        return app;
    }
}
