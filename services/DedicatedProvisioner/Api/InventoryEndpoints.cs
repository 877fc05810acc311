using MechanicBuddy.Contracts.Http;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Api;

/// <summary>What the dedicated platform really holds, for the Gateway's drift check: instances (or namespaces), routes, secrets.</summary>
public static class InventoryEndpoints
{
    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/inventory", async (IServiceProvider services, IOptions<DedicatedPlatformOptions> platform, IOptions<KubernetesOptions> kubernetes,
            CancellationToken cancellationToken) =>
        {
            var items = new List<InventoryItem>();
            if (platform.Value.Resolve(kubernetes.Value) == DedicatedPlatforms.Kubernetes)
            {
                var namespaces = services.GetRequiredService<TenantNamespaces>();
                items.AddRange((await namespaces.ListManagedTenantsAsync(cancellationToken))
                    .Select(id => new InventoryItem { Kind = "namespace", TenantId = id, Location = "cluster" }));
            }
            else
            {
                var instances = services.GetRequiredService<PostgresInstances>();
                var host = platform.Value.SingleHost;
                foreach (var id in instances.TenantIds())
                {
                    var port = instances.PortOf(id);
                    var listening = port is { } p && await PostgresInstances.IsListeningAsync(host.ListenAddress, p, cancellationToken);
                    items.Add(new InventoryItem
                    {
                        Kind = "instance", TenantId = id, Location = instances.DirectoryOf(id),
                        Detail = port is null ? "no port assigned" : listening ? $"listening on {port}" : $"NOT listening on {port}",
                    });
                }
                var routes = services.GetRequiredService<MechanicBuddy.Provisioning.Routing.ITenantRouteDriver>();
                items.AddRange((await routes.ListRoutedTenantsAsync(cancellationToken)).Select(id => new InventoryItem { Kind = "route", TenantId = id, Location = "edge" }));
            }
            var secrets = services.GetRequiredService<MechanicBuddy.Provisioning.Secrets.ITenantSecretStore>();
            items.AddRange(secrets.ListTenants().Select(id => new InventoryItem { Kind = "secret", TenantId = id, Location = "secret store" }));
            return new Inventory { Source = "dedicated-provisioner", DeploymentMode = DeploymentModes.Dedicated, Items = items };
        }).AddEndpointFilter<ServiceKeyFilter<InventoryApiOptions>>();
        return app;
    }
}
