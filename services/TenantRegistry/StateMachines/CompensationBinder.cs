using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

public static class CompensationBinder
{
    /// <summary>Sends the removal command of the tenant's path (the same commands deprovisioning uses; both are idempotent).</summary>
    public static EventActivityBinder<TenantState, T> RemoveWhatWasBuilt<T>(this EventActivityBinder<TenantState, T> binder)
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
            }));
}
