using MechanicBuddy.Contracts.Http;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Api;

/// <summary>What the dedicated platform really holds, for the Gateway's drift check: instances (or namespaces), routes, secrets.</summary>
public static class InventoryEndpoints
{
    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/inventory", async (string? versions, IServiceProvider services, IOptions<DedicatedPlatformOptions> platform, IOptions<KubernetesOptions> kubernetes,
            ILoggerFactory loggers, CancellationToken cancellationToken) =>
        {
            var items = new List<InventoryItem>();
            var secrets = services.GetRequiredService<MechanicBuddy.Provisioning.Secrets.ITenantSecretStore>();
            // Shops whose database is there to be read (a namespace, an instance already listening: the check starts nothing).
            var reachable = new List<string>();
            if (platform.Value.Resolve(kubernetes.Value) == DedicatedPlatforms.Kubernetes)
            {
                var namespaces = services.GetRequiredService<TenantNamespaces>();
                var managed = await namespaces.ListManagedTenantsAsync(cancellationToken);
                items.AddRange(managed.Select(id => new InventoryItem { Kind = "namespace", TenantId = id, Location = "cluster" }));
                reachable.AddRange(managed);
            }
            else
            {
                var instances = services.GetRequiredService<PostgresInstances>();
                var host = platform.Value.SingleHost;
                foreach (var id in instances.TenantIds())
                {
                    var port = instances.PortOf(id);
                    var listening = port is { } p && await PostgresInstances.IsListeningAsync(host.ListenAddress, p, cancellationToken);
                    // Its login is read from the secret store, which the check must not fill in where a secret is missing.
                    if (listening && await secrets.ExistsAsync(id, cancellationToken))
                    {
                        reachable.Add(id);
                    }
                    items.Add(new InventoryItem
                    {
                        Kind = "instance", TenantId = id, Location = instances.DirectoryOf(id),
                        Detail = port is null ? "no port assigned" : listening ? $"listening on {port}" : $"NOT listening on {port}",
                    });
                }
                var routes = services.GetRequiredService<MechanicBuddy.Provisioning.Routing.ITenantRouteDriver>();
                items.AddRange((await routes.ListRoutedTenantsAsync(cancellationToken)).Select(id => new InventoryItem { Kind = "route", TenantId = id, Location = "edge" }));
            }
            items.AddRange(await DedicatedShopVersions.ReadAsync(services.GetRequiredService<IDedicatedPlatform>(),
                services.GetRequiredService<MechanicBuddy.Provisioning.Steps.ProvisioningInbox>(), services.GetRequiredService<ShopSchemaMigrator>(),
                reachable.Where(id => InventoryItem.WantsVersion(versions, id)).ToList(), loggers.CreateLogger(typeof(DedicatedShopVersions)), cancellationToken));
            items.AddRange(secrets.ListTenants().Select(id => new InventoryItem { Kind = "secret", TenantId = id, Location = "secret store" }));
            return new Inventory { Source = "dedicated-provisioner", DeploymentMode = DeploymentModes.Dedicated, Items = items };
        }).AddEndpointFilter<ServiceKeyFilter<InventoryApiOptions>>();
        return app;
    }
}
