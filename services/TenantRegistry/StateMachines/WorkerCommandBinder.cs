using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>The commands the saga gives the workers, through the transactional outbox, each to the worker of its side's path (<see cref="WorkerQueues"/>).</summary>
public static class WorkerCommandBinder
{
    /// <summary>Sends a worker command to the worker of the path <paramref name="mode"/> names.</summary>
    public static EventActivityBinder<TenantState, T> SendToWorker<T, TCommand>(this EventActivityBinder<TenantState, T> binder,
        Func<BehaviorContext<TenantState, T>, string> mode, Func<BehaviorContext<TenantState, T>, TCommand> command)
        where T : class
        where TCommand : class =>
        binder.ThenAsync(context => context.GetServiceOrCreateInstance<ISagaMessageOutbox>()
            .SendAsync(context, WorkerQueues.For<TCommand>(mode(context)), command(context)));

    /// <summary>Builds the tenant's side (a signup's, or a retry's) and sets the deadline by which it must have ended.</summary>
    public static EventActivityBinder<TenantState, T> StartBuilding<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder
            .SendToWorker(context => context.Saga.DeploymentMode!, context => Build(context.Saga, TenantSide.CurrentOf(context.Saga), TenantSideRoles.Current,
                context.Saga.SubscriptionTier) with { Attempt = context.Saga.RetryCount + 1 })
            .Then(context => context.Saga.DeadlineAt = context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow() + timeouts.For(context.Saga.DeploymentMode!));

    /// <summary>The build command for one side of the tenant, with the tier that side is to run.</summary>
    public static BuildTenantSide Build(TenantState saga, TenantSide side, string role, string tier) => new()
    {
        CorrelationId = saga.CorrelationId,
        TenantId = saga.TenantId,
        Side = role,
        DeploymentMode = side.DeploymentMode,
        CompanyName = saga.CompanyName,
        SubscriptionTier = tier,
        OwnerEmail = saga.OwnerEmail,
        CustomDomain = saga.CustomDomain,
        AdminPasswordHash = saga.AdminPasswordHash,
        Pool = side.Pool,
        SchemaVersion = role == TenantSideRoles.Target ? saga.SchemaVersion : null,
    };

    /// <summary>
    /// Removes what was built for the side serving the tenant (the same command deprovisioning uses; it is idempotent)
    /// and sets the deadline by which the worker must have confirmed it; past it, the command is sent again.
    /// </summary>
    public static EventActivityBinder<TenantState, T> RemoveWhatWasBuilt<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.RemoveSide(TenantSideRoles.Current, timeouts);

    /// <summary>Removes one side of the tenant (current, target or retired), with a confirmation deadline.</summary>
    public static EventActivityBinder<TenantState, T> RemoveSide<T>(this EventActivityBinder<TenantState, T> binder, string role,
        ProvisioningTimeoutOptions timeouts, bool keepRoute = false)
        where T : class =>
        binder
            .SendToWorker(context => TenantSide.Of(context.Saga, role).DeploymentMode, context =>
            {
                var side = TenantSide.Of(context.Saga, role);
                return new RemoveTenantSide
                {
                    CorrelationId = context.Saga.CorrelationId,
                    TenantId = context.Saga.TenantId,
                    Side = role,
                    DeploymentMode = side.DeploymentMode,
                    Pool = side.Pool,
                    Namespace = side.Namespace,
                    HelmRelease = side.HelmRelease,
                    KeepRoute = keepRoute || side.KeepRoute,
                };
            })
            .AwaitRemoval(timeouts);

    /// <summary>The deadline by which the worker must confirm the removal just sent.</summary>
    public static EventActivityBinder<TenantState, T> AwaitRemoval<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.Then(context => context.Saga.DeadlineAt = context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow() + TimeSpan.FromSeconds(timeouts.RemovalSeconds));

    /// <summary>Sends the route change (503 or served) to the worker of the tenant's path.</summary>
    public static EventActivityBinder<TenantState, T> SetAccess<T>(this EventActivityBinder<TenantState, T> binder, bool suspended)
        where T : class =>
        binder.SendToWorker(context => context.Saga.DeploymentMode!, context => new SetTenantAccess
        {
            CorrelationId = context.Saga.CorrelationId,
            TenantId = context.Saga.TenantId,
            Suspended = suspended,
            SubscriptionTier = context.Saga.SubscriptionTier,
            CustomDomain = context.Saga.CustomDomain,
            Namespace = context.Saga.Namespace,
        });
}
