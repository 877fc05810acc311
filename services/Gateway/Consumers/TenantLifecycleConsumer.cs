using MassTransit;
using MechanicBuddy.Contracts;

namespace MechanicBuddy.Gateway.Consumers;

/// <summary>Wakes waiting requests when a tenant becomes Active, Failed or Deprovisioned. Bound to a queue of this Gateway instance only.</summary>
public sealed class TenantLifecycleConsumer(TenantCompletionNotifier notifier, ILogger<TenantLifecycleConsumer> logger) :
    IConsumer<TenantProvisioned>, IConsumer<TenantProvisioningFailed>, IConsumer<TenantDeprovisioned>
{
    public Task Consume(ConsumeContext<TenantProvisioned> context) => Wake(context.Message.TenantId);

    public Task Consume(ConsumeContext<TenantProvisioningFailed> context) => Wake(context.Message.TenantId);

    public Task Consume(ConsumeContext<TenantDeprovisioned> context) => Wake(context.Message.TenantId);

    Task Wake(string tenantId)
    {
        logger.LogDebug("Lifecycle event for {TenantId}", tenantId);
        notifier.Notify(tenantId);
        return Task.CompletedTask;
    }
}
