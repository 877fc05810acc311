using MechanicBuddy.Tenancy;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;

/// <summary>
/// After a reboot the tenants' instances are down while their tenants are Active: at start, the single-host platform
/// starts every initialised instance it finds (in the background, so health and the queue are not held up).
/// </summary>
public sealed class InstanceSupervisor(PostgresInstances instances, IOptions<DedicatedPlatformOptions> options,
    IOptions<Kubernetes.KubernetesOptions> kubernetes, ILogger<InstanceSupervisor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Resolve(kubernetes.Value) != DedicatedPlatforms.SingleHost)
        {
            return;
        }
        foreach (var tenantId in instances.TenantIds())
        {
            if (!instances.IsInitialized(tenantId))
            {
                continue;
            }
            try
            {
                await instances.StartAsync(tenantId, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Instance of tenant {TenantId} did not start", tenantId);
            }
        }
    }
}
