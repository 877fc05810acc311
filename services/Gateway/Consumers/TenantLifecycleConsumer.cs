using MechanicBuddy.Gateway.Waiting;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.Gateway.Consumers;

/// <summary>
/// Wakes waiting requests when a tenant becomes Active, Failed, Deprovisioned, Suspended, is resumed, or a tier change
/// ends (done or rolled back). Bound to a queue of this Gateway instance only.
/// </summary>
public sealed class TenantLifecycleConsumer(TenantCompletionNotifier notifier, ILogger<TenantLifecycleConsumer> logger) :
    IConsumer<TenantProvisioned>, IConsumer<TenantProvisioningFailed>, IConsumer<TenantDeprovisioned>,
    IConsumer<TenantSuspended>, IConsumer<TenantResumed>, IConsumer<TenantTierChanged>, IConsumer<TenantTierChangeRolledBack>
{
    public Task Consume(ConsumeContext<TenantProvisioned> context) => Wake(context.Message.TenantId, context.Message.Result);

    public Task Consume(ConsumeContext<TenantProvisioningFailed> context) => Wake(context.Message.TenantId, context.Message.Result);

    public Task Consume(ConsumeContext<TenantDeprovisioned> context) => Wake(context.Message.TenantId);

    public Task Consume(ConsumeContext<TenantSuspended> context) => Wake(context.Message.TenantId);

    public Task Consume(ConsumeContext<TenantResumed> context) => Wake(context.Message.TenantId);

    public Task Consume(ConsumeContext<TenantTierChanged> context) => Wake(context.Message.TenantId);

    public Task Consume(ConsumeContext<TenantTierChangeRolledBack> context) => Wake(context.Message.TenantId);

    Task Wake(string tenantId, TenantProvisioningResult? result = null)
    {
        logger.LogDebug("Lifecycle event for {TenantId}", tenantId);
        notifier.Notify(tenantId, result);
        return Task.CompletedTask;
    }
}
