using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>The commands the saga gives the workers, through the transactional outbox.</summary>
public static class WorkerCommandBinder
{
    /// <summary>Sends the path's provisioning command and sets the deadline by which it must have ended.</summary>
    public static EventActivityBinder<TenantState, T> StartBuilding<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.IfElse(context => context.Saga.DeploymentMode == DeploymentModes.Shared,
                shared => shared.SendViaOutbox(QueueNames.ProvisionSharedTenant, context => new ProvisionSharedTenant
                {
                    CorrelationId = context.Saga.CorrelationId,
                    TenantId = context.Saga.TenantId,
                    CompanyName = context.Saga.CompanyName,
                    SubscriptionTier = context.Saga.SubscriptionTier,
                    OwnerEmail = context.Saga.OwnerEmail,
                    AdminPasswordHash = context.Saga.AdminPasswordHash,
                    Pool = context.Saga.Pool!,
                    Attempt = context.Saga.RetryCount + 1,
                }),
                dedicated => dedicated.SendViaOutbox(QueueNames.ProvisionDedicatedTenant, context => new ProvisionDedicatedTenant
                {
                    CorrelationId = context.Saga.CorrelationId,
                    TenantId = context.Saga.TenantId,
                    CompanyName = context.Saga.CompanyName,
                    SubscriptionTier = context.Saga.SubscriptionTier,
                    OwnerEmail = context.Saga.OwnerEmail,
                    CustomDomain = context.Saga.CustomDomain,
                    AdminPasswordHash = context.Saga.AdminPasswordHash,
                    Attempt = context.Saga.RetryCount + 1,
                }))
            .Then(context => context.Saga.DeadlineAt = context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow() + timeouts.For(context.Saga.DeploymentMode!));

    /// <summary>
    /// Sends the removal command of the tenant's path (the same commands deprovisioning uses; both are idempotent) and
    /// sets the deadline by which the worker must have confirmed it; past it, the command is sent again.
    /// </summary>
    public static EventActivityBinder<TenantState, T> RemoveWhatWasBuilt<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.IfElse(context => context.Saga.DeploymentMode == DeploymentModes.Shared,
            shared => shared.SendViaOutbox(QueueNames.DeprovisionSharedTenant, context => new DeprovisionSharedTenant
            {
                CorrelationId = context.Saga.CorrelationId,
                TenantId = context.Saga.TenantId,
                Pool = context.Saga.Pool!,
            }),
            dedicated => dedicated.SendViaOutbox(QueueNames.DeprovisionDedicatedTenant, context => new DeprovisionDedicatedTenant
            {
                CorrelationId = context.Saga.CorrelationId,
                TenantId = context.Saga.TenantId,
                Namespace = context.Saga.Namespace!,
                HelmRelease = context.Saga.HelmRelease,
            }))
            .AwaitRemoval(timeouts);

    /// <summary>The deadline by which the worker must confirm the removal just sent.</summary>
    public static EventActivityBinder<TenantState, T> AwaitRemoval<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.Then(context => context.Saga.DeadlineAt = context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow() + TimeSpan.FromSeconds(timeouts.RemovalSeconds));

    /// <summary>Sends the route change (503 or served) to the worker of the tenant's path.</summary>
    public static EventActivityBinder<TenantState, T> SetAccess<T>(this EventActivityBinder<TenantState, T> binder, bool suspended)
        where T : class =>
        binder.IfElse(context => context.Saga.DeploymentMode == DeploymentModes.Shared,
            shared => shared.SendViaOutbox(QueueNames.SetSharedTenantAccess, context => AccessCommand(context.Saga, suspended)),
            dedicated => dedicated.SendViaOutbox(QueueNames.SetDedicatedTenantAccess, context => AccessCommand(context.Saga, suspended)));

    static SetTenantAccess AccessCommand(TenantState saga, bool suspended) => new()
    {
        CorrelationId = saga.CorrelationId,
        TenantId = saga.TenantId,
        Suspended = suspended,
        SubscriptionTier = saga.SubscriptionTier,
        CustomDomain = saga.CustomDomain,
        Namespace = saga.Namespace,
    };
}
