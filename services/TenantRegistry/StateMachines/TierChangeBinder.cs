using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>The commands a tier change gives the workers (through the transactional outbox) and the bookkeeping of its rollback.</summary>
public static class TierChangeBinder
{
    /// <summary>What a rollback still waits for: the partial target's removal, the source's unfreeze, the route given back.</summary>
    public const string PendingTarget = "target";
    public const string PendingUnfreeze = "unfreeze";
    public const string PendingRoute = "route";

    public static DateTimeOffset Now<T>(BehaviorContext<TenantState, T> context) where T : class =>
        context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow();

    /// <summary>A phase of the tier change: an entry in the tenant's log and the same as a progress event on the bus.</summary>
    public static EventActivityBinder<TenantState, T> TierPhase<T>(this EventActivityBinder<TenantState, T> binder, string phase, string outcome,
        Func<BehaviorContext<TenantState, T>, string> message)
        where T : class =>
        binder
            .AppendLog(phase, outcome, message)
            .PublishViaOutbox(context => new TenantTierChangeProgressed
            {
                TenantId = context.Saga.TenantId,
                TierChange = context.Saga.TierChangeCount,
                NewTier = context.Saga.TargetTier ?? context.Saga.SubscriptionTier,
                Phase = phase,
                Outcome = outcome,
                Message = message(context),
                Timestamp = Now(context),
            });

    /// <summary>Builds the target side without a route (the route keeps serving the source until the switch), under the path's provisioning deadline.</summary>
    public static EventActivityBinder<TenantState, T> BuildTarget<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder
            .SendToWorker(context => context.Saga.Target!.DeploymentMode, context => WorkerCommandBinder.Build(context.Saga, context.Saga.Target!,
                TenantSideRoles.Target, context.Saga.TargetTier!) with { TierChange = context.Saga.TierChangeCount, WithoutRoute = true })
            .Then(context => context.Saga.DeadlineAt = Now(context) + timeouts.For(context.Saga.Target!.DeploymentMode));

    /// <summary>A dedicated tier change in place: the resize command for the current change, under the dedicated path's deadline.</summary>
    public static EventActivityBinder<TenantState, T> Resize<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder
            .SendViaOutbox(QueueNames.ResizeDedicatedTenant, context => new ResizeDedicatedTenant
            {
                CorrelationId = context.Saga.CorrelationId, TenantId = context.Saga.TenantId, TierChange = context.Saga.TierChangeCount,
                OldTier = context.Saga.SubscriptionTier, NewTier = context.Saga.TargetTier!, Namespace = context.Saga.Namespace,
            })
            .Then(context => context.Saga.DeadlineAt = Now(context) + timeouts.For(DeploymentModes.Dedicated));

    /// <summary>The target is built: the source's read-only window starts.</summary>
    public static EventActivityBinder<TenantState, T> TargetReady<T>(this EventActivityBinder<TenantState, T> binder, TenantLifecycleStateMachine machine,
        TimeSpan phase)
        where T : class =>
        binder
            .TierPhase("TierTargetReady", "completed", context => $"target {context.Saga.Target!.Describe()} built (no route yet)")
            .MoveData(TenantDataPhases.Freeze, deadline: phase)
            .TransitionTo(machine.TierFreezingSource);

    /// <summary>Sends one data phase (source = the side serving the tenant, target = the side being built); with a deadline unless it is part of a rollback.</summary>
    public static EventActivityBinder<TenantState, T> MoveData<T>(this EventActivityBinder<TenantState, T> binder, string phase, TimeSpan? deadline)
        where T : class =>
        binder
            .SendViaOutbox(QueueNames.MoveTenantData, context => new MoveTenantData
            {
                CorrelationId = context.Saga.CorrelationId,
                TenantId = context.Saga.TenantId,
                TierChange = context.Saga.TierChangeCount,
                Phase = phase,
                Source = TenantSide.CurrentOf(context.Saga).Location,
                Target = context.Saga.Target?.Location,
            })
            .If(_ => deadline is not null, timed => timed.Then(context => context.Saga.DeadlineAt = Now(context) + deadline!.Value));

    /// <summary>Makes the given side's worker serve the tenant's route (the switch, or giving the route back in a rollback).</summary>
    public static EventActivityBinder<TenantState, T> SetAccessOf<T>(this EventActivityBinder<TenantState, T> binder,
        Func<BehaviorContext<TenantState, T>, TenantSide> side, Func<BehaviorContext<TenantState, T>, string> tier)
        where T : class =>
        binder.SendToWorker(context => side(context).DeploymentMode, context => new SetTenantAccess
        {
            CorrelationId = context.Saga.CorrelationId,
            TenantId = context.Saga.TenantId,
            Suspended = false,
            SubscriptionTier = tier(context),
            CustomDomain = context.Saga.CustomDomain,
            Namespace = side(context).Namespace,
        });

    /// <summary>Starts a rollback: records why, and undoes what was done (target, freeze); the route follows once the target is gone.</summary>
    public static EventActivityBinder<TenantState, T> RollBack<T>(this EventActivityBinder<TenantState, T> binder,
        string step, Func<BehaviorContext<TenantState, T>, string> reason, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder.RollBack(_ => step, reason, timeouts);

    public static EventActivityBinder<TenantState, T> RollBack<T>(this EventActivityBinder<TenantState, T> binder,
        Func<BehaviorContext<TenantState, T>, string> step, Func<BehaviorContext<TenantState, T>, string> reason, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder
            .Then(context =>
            {
                var saga = context.Saga;
                saga.TierChangeError = $"{step(context)}: {reason(context)}";
                // What was done follows from the phase that failed (still the current state here): from the freeze on,
                // the source was told to go read-only; in the switch, the route may already point at the target.
                saga.RollbackPending = [PendingTarget];
                if (saga.CurrentState != TenantStatuses.TierProvisioningTarget)
                {
                    saga.RollbackPending.Add(PendingUnfreeze);
                }
                if (saga.CurrentState == TenantStatuses.TierSwitchingRoute)
                {
                    saga.RollbackPending.Add(PendingRoute);
                }
            })
            .TierPhase("TierRollback", "started", context =>
                $"tier change {context.Saga.TierChangeCount} to {context.Saga.TargetTier} failed at {context.Saga.TierChangeError}; rolling back: " +
                $"removing the target{(context.Saga.RollbackPending.Contains(PendingUnfreeze) ? ", making the source writable again" : "")}" +
                $"{(context.Saga.RollbackPending.Contains(PendingRoute) ? ", then giving the route back to the source" : "")}")
            .SendRollbackCommands(timeouts);

    /// <summary>The route goes back only once the target is gone (a switch still running on the target's worker has then ended).</summary>
    public static bool RouteDueBack(TenantState saga) =>
        saga.RollbackPending.Contains(PendingRoute) && !saga.RollbackPending.Contains(PendingTarget);

    /// <summary>(Re)sends whatever of the rollback is still pending, with a new confirmation deadline.</summary>
    public static EventActivityBinder<TenantState, T> SendRollbackCommands<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningTimeoutOptions timeouts)
        where T : class =>
        binder
            // The target's removal never touches the route: if the switch got as far as writing it, the source's worker writes it back.
            .If(context => context.Saga.RollbackPending.Contains(PendingTarget), target => target.RemoveSide(TenantSideRoles.Target, timeouts, keepRoute: true))
            .If(context => context.Saga.RollbackPending.Contains(PendingUnfreeze), unfreeze => unfreeze.MoveData(TenantDataPhases.Unfreeze, deadline: null))
            .If(context => RouteDueBack(context.Saga), route => route.GiveRouteBack())
            .AwaitRemoval(timeouts);

    /// <summary>The partial target is gone; only now is the route given back (a switch still running on the target's worker has ended).</summary>
    public static EventActivityBinder<TenantState, T> TargetRemoved<T>(this EventActivityBinder<TenantState, T> binder)
        where T : class =>
        binder
            .TierPhase("TierRollback", "compensated", context => $"partial target {context.Saga.Target!.Describe()} removed")
            .Then(context => context.Saga.RollbackPending.Remove(PendingTarget))
            .If(context => RouteDueBack(context.Saga), route => route.GiveRouteBack());

    static EventActivityBinder<TenantState, T> GiveRouteBack<T>(this EventActivityBinder<TenantState, T> binder)
        where T : class =>
        binder.SetAccessOf(context => TenantSide.CurrentOf(context.Saga), context => context.Saga.SubscriptionTier);

    /// <summary>Once nothing is pending: the tenant is Active on its old side, as before the change.</summary>
    public static EventActivityBinder<TenantState, T> FinishRollbackWhenDone<T>(this EventActivityBinder<TenantState, T> binder, TenantLifecycleStateMachine machine)
        where T : class =>
        binder.If(context => context.Saga.RollbackPending.Count == 0, done => done
            .PublishViaOutbox(context => new TenantTierChangeRolledBack
            {
                TenantId = context.Saga.TenantId,
                OldTier = context.Saga.SubscriptionTier,
                NewTier = context.Saga.TargetTier!,
                Phase = context.Saga.TierChangeError!.Split(':')[0],
                Reason = context.Saga.TierChangeError!,
                RolledBackAt = Now(context),
            })
            .TierPhase("TierChange", "failed", context =>
                $"rolled back ({context.Saga.TierChangeError}); still {context.Saga.SubscriptionTier} on {TenantSide.CurrentOf(context.Saga).Describe()}, writable")
            .Then(context =>
            {
                var saga = context.Saga;
                saga.Target = null;
                saga.TargetTier = null;
                saga.DeadlineAt = null;
            })
            .TransitionTo(machine.Active));

    /// <summary>The old side of a finished tier change is gone (grace period over, or the tenant deprovisioned).</summary>
    public static EventActivityBinder<TenantState, T> OldSideRemoved<T>(this EventActivityBinder<TenantState, T> binder)
        where T : class =>
        binder
            .AppendLog("RetireOldSide", "completed", context => $"old side {context.Saga.Retired!.Describe()} removed")
            .Then(context =>
            {
                var saga = context.Saga;
                saga.Retired = null;
                saga.RetireAt = null;
                // The deadline was the old side's removal, unless the tenant is being removed or resized under a deadline of its own.
                if (saga.CurrentState is not (TenantStatuses.Deprovisioning or TenantStatuses.TierResizing))
                {
                    saga.DeadlineAt = null;
                }
            });
}
