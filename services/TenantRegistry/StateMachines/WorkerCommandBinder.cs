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
                shared => shared.SendViaOutbox(QueueNames.ProvisionSharedTenant, context => SharedBuild(context.Saga, context.Saga.SubscriptionTier,
                    context.Saga.Pool!, context.Saga.RetryCount + 1)),
                dedicated => dedicated.SendViaOutbox(QueueNames.ProvisionDedicatedTenant, context => DedicatedBuild(context.Saga, context.Saga.SubscriptionTier,
                    context.Saga.RetryCount + 1)))
            .Then(context => context.Saga.DeadlineAt = context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow() + timeouts.For(context.Saga.DeploymentMode!));

    /// <summary>The shared path's build command for the tenant (a signup's, or a tier change's target with its own tier).</summary>
    public static ProvisionSharedTenant SharedBuild(TenantState saga, string tier, string pool, int attempt) => new()
    {
        CorrelationId = saga.CorrelationId,
        TenantId = saga.TenantId,
        CompanyName = saga.CompanyName,
        SubscriptionTier = tier,
        OwnerEmail = saga.OwnerEmail,
        AdminPasswordHash = saga.AdminPasswordHash,
        Pool = pool,
        Attempt = attempt,
    };

    /// <summary>The dedicated path's build command for the tenant.</summary>
    public static ProvisionDedicatedTenant DedicatedBuild(TenantState saga, string tier, int attempt) => new()
    {
        CorrelationId = saga.CorrelationId,
        TenantId = saga.TenantId,
        CompanyName = saga.CompanyName,
        SubscriptionTier = tier,
        OwnerEmail = saga.OwnerEmail,
        CustomDomain = saga.CustomDomain,
        AdminPasswordHash = saga.AdminPasswordHash,
        Attempt = attempt,
    };

    /// <summary>
    /// Sends the removal command of the tenant's path (the same commands deprovisioning uses; both are idempotent) and
    /// sets the deadline by which the worker must have confirmed it; past it, the command is sent again.
    /// </summary>
    public static EventActivityBinder<TenantState, T> RemoveWhatWasBuilt<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.RemoveSide(context => TenantSide.CurrentOf(context.Saga), timeouts);

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
