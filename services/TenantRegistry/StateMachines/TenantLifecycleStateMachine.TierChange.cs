using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// Tier changes between the shared and the dedicated path, one state per phase: build the target without a route;
/// freeze the source (read-only, writes refused with a clear error); copy; verify (row counts and checksums per
/// table); switch the route; then the tenant is Active on its new side and the old one is kept, read-only, for the
/// grace period and removed after it. Any failure or timeout before the switch completes rolls back: the partial target
/// is removed, the source is unfrozen and, if the switch was attempted, the route given back to it. Either the tenant
/// ends fully on its new side or fully on its old one. Within the shared path (free ↔ demo) the tier is only recorded.
/// </summary>
public sealed partial class TenantLifecycleStateMachine
{
    public State TierProvisioningTarget { get; private set; } = null!;
    public State TierFreezingSource { get; private set; } = null!;
    public State TierCopyingData { get; private set; } = null!;
    public State TierVerifyingData { get; private set; } = null!;
    public State TierSwitchingRoute { get; private set; } = null!;
    public State TierRollingBack { get; private set; } = null!;

    public Event<ChangeTenantTier> TierChangeRequested { get; private set; } = null!;
    public Event<TenantDataMoved> DataMoved { get; private set; } = null!;
    public Event<TenantDataMoveFailed> DataMoveFailed { get; private set; } = null!;

    void DefineTierChange(ProvisioningOptions options)
    {
        Event(() => TierChangeRequested, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            e.OnMissingInstance(m => m.ExecuteAsync(context => context.RespondAsync(new TenantRequestRejected
            {
                TenantId = context.Message.TenantId, Code = "not-found", Reason = $"no tenant {context.Message.TenantId}",
            })));
        });
        Event(() => DataMoved, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => DataMoveFailed, e => e.CorrelateById(c => c.Message.CorrelationId));
        var timeouts = options.Timeouts;
        var phase = TimeSpan.FromSeconds(options.TierChange.PhaseSeconds);

        During(Active,
            When(TierChangeRequested)
                .ThenAsync(context => AdmitTierChangeAsync(context, options))
                .IfElse(context => context.Saga.RejectionCode is not null,
                    rejected => rejected
                        .RespondBounded(context => new TenantRequestRejected
                        {
                            TenantId = context.Saga.TenantId, Code = context.Saga.RejectionCode!, Reason = context.Saga.RejectionReason!,
                        })
                        .Then(context => context.Saga.RejectionCode = context.Saga.RejectionReason = null),
                    admitted => admitted.IfElse(context => context.Saga.Target is null && context.Saga.TargetTier is not null,
                        resize => resize
                            .Resize(timeouts)
                            .TierPhase("TierChange", "started", context =>
                                $"tier change {context.Saga.TierChangeCount}: {context.Saga.SubscriptionTier} → {context.Saga.TargetTier}, resizing in place on {TenantSide.CurrentOf(context.Saga).Describe()}")
                            .RespondBounded(context => new TenantTierChangeAccepted
                            {
                                TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Saga.TargetTier!, Migrates = true,
                            })
                            .TransitionTo(TierResizing),
                    other => other.IfElse(context => context.Saga.Target is null,
                        sameSide => sameSide
                            .RespondBounded(context => new TenantTierChangeAccepted
                            {
                                TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Message.NewTier, Migrates = false,
                            })
                            .If(context => !string.Equals(context.Saga.SubscriptionTier, context.Message.NewTier, StringComparison.OrdinalIgnoreCase),
                                recorded => recorded
                                    .PublishViaOutbox(context => new TenantTierChanged
                                    {
                                        TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Message.NewTier,
                                        DeploymentMode = context.Saga.DeploymentMode!, ChangedAt = context.Message.RequestedAt,
                                    })
                                    .AppendLog("TierChange", "completed", context =>
                                        $"{context.Saga.SubscriptionTier} → {context.Message.NewTier}: same path and resources, recorded")
                                    .Then(context => context.Saga.SubscriptionTier = context.Message.NewTier.Trim().ToLowerInvariant())),
                        migrating => migrating
                            .BuildTarget(timeouts)
                            .TierPhase("TierChange", "started", context =>
                                $"tier change {context.Saga.TierChangeCount}: {context.Saga.SubscriptionTier} → {context.Saga.TargetTier}, " +
                                $"{TenantSide.CurrentOf(context.Saga).Describe()} → {context.Saga.Target!.Describe()}; building the target")
                            .RespondBounded(context => new TenantTierChangeAccepted
                            {
                                TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Saga.TargetTier!, Migrates = true,
                            })
                            .TransitionTo(TierProvisioningTarget)))));

        // The same change asked again while it runs (a retry whose first answer was lost with a crash): it is under way.
        During([TierProvisioningTarget, TierFreezingSource, TierCopyingData, TierVerifyingData, TierSwitchingRoute, TierRollingBack, TierResizing],
            When(TierChangeRequested, context => IsTheChangeUnderWay(context.Saga, context.Message.NewTier))
                .RespondBounded(context => new TenantTierChangeAccepted
                {
                    TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Saga.TargetTier!, Migrates = true,
                }));

        // Any other state or change: refused with the state named (the Gateway checks first; this answers a request that raced it).
        During(
            [
                Provisioning, Failed, Compensating, Deprovisioning, Deprovisioned, Suspending, Suspended, Resuming,
                TierProvisioningTarget, TierFreezingSource, TierCopyingData, TierVerifyingData, TierSwitchingRoute, TierRollingBack, TierResizing,
            ],
            When(TierChangeRequested, context => !IsTheChangeUnderWay(context.Saga, context.Message.NewTier))
                .RespondBounded(context => new TenantRequestRejected
                {
                    TenantId = context.Saga.TenantId, Code = "state", Reason = $"the tenant is {context.Saga.CurrentState}; only an Active tenant changes tier",
                }));

        During(TierProvisioningTarget,
            When(SideBuilt, context => context.About(TenantSideRoles.Target) && IsCurrentChange(context.Saga, context.Message.TierChange))
                .Then(context =>
                {
                    var target = context.Saga.Target!.Record(context.Message);
                    // Kubernetes serves the tenant through its own Ingress; the edge route is the shared side's to remove.
                    target.KeepRoute = target.Platform != DedicatedPlatforms.Kubernetes;
                })
                .AppendSteps(message => message.Steps)
                .TargetReady(this, phase),
            When(SideBuildFailed, context => context.About(TenantSideRoles.Target) && IsCurrentChange(context.Saga, context.Message.TierChange))
                .AppendSteps(message => message.Steps)
                .RollBack("ProvisionTarget", context => $"{context.Message.Step}: {context.Message.Reason}", timeouts)
                .TransitionTo(TierRollingBack));

        DataPhase(TierFreezingSource, TenantDataPhases.Freeze, "TierFreeze", next: TenantDataPhases.Copy, TierCopyingData, phase, timeouts);
        DataPhase(TierCopyingData, TenantDataPhases.Copy, "TierCopy", next: TenantDataPhases.Verify, TierVerifyingData, phase, timeouts);

        During(TierVerifyingData,
            When(DataMoved, context => IsCurrentPhase(context.Saga, context.Message.TierChange, context.Message.Phase, TenantDataPhases.Verify))
                .TierPhase("TierVerify", "completed", context => context.Message.Message)
                .SetAccessOf(context => context.Saga.Target!, context => context.Saga.TargetTier!)
                .Then(context => context.Saga.DeadlineAt = TierChangeBinder.Now(context) + phase)
                .TierPhase("TierSwitchRoute", "started", context => $"switching the tenant's route to {context.Saga.Target!.Describe()}")
                .TransitionTo(TierSwitchingRoute),
            When(DataMoveFailed, context => IsCurrentPhase(context.Saga, context.Message.TierChange, context.Message.Phase, TenantDataPhases.Verify))
                .RollBack("TierVerify", context => context.Message.Reason, timeouts)
                .TransitionTo(TierRollingBack));

        During(TierSwitchingRoute,
            When(AccessSet, context => !context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Target))
                .TierPhase("TierSwitchRoute", "completed", context => context.Message.Message)
                .PublishViaOutbox(context => new TenantTierChanged
                {
                    TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Saga.TargetTier!,
                    DeploymentMode = context.Saga.Target!.DeploymentMode, ChangedAt = context.Message.CompletedAt,
                })
                .Then(context => CompleteTierChange(context.Saga, TierChangeBinder.Now(context), options.TierChange))
                .TierPhase("TierChange", "completed", context =>
                    $"now {context.Saga.SubscriptionTier} on {TenantSide.CurrentOf(context.Saga).Describe()} at {context.Saga.TenantUrl}; " +
                    $"the old side ({context.Saga.Retired!.Describe()}) stays read-only until {context.Saga.RetireAt:u}")
                .TransitionTo(Active),
            When(AccessFailed, context => !context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Target))
                .RollBack("TierSwitchRoute", context => context.Message.Reason, timeouts)
                .TransitionTo(TierRollingBack));

        // A phase past its deadline (worker down, message lost): roll back.
        During([TierProvisioningTarget, TierFreezingSource, TierCopyingData, TierVerifyingData, TierSwitchingRoute],
            When(DeadlinePassed)
                .RollBack(context => PhaseOf(context.Saga.CurrentState), context => $"did not finish by its deadline {context.Message.DeadlineAt:u}", timeouts)
                .TransitionTo(TierRollingBack));

        DefineRollback(timeouts);
        DefineRetirement(timeouts);
        DefineResize(timeouts);
    }

    /// <summary>One data phase: on success the next phase's command and state; on failure a rollback.</summary>
    void DataPhase(State state, string dataPhase, string step, string next, State nextState, TimeSpan phase, ProvisioningTimeoutOptions timeouts) =>
        During(state,
            When(DataMoved, context => IsCurrentPhase(context.Saga, context.Message.TierChange, context.Message.Phase, dataPhase))
                .TierPhase(step, "completed", context => context.Message.Message)
                .MoveData(next, deadline: phase)
                .TransitionTo(nextState),
            When(DataMoveFailed, context => IsCurrentPhase(context.Saga, context.Message.TierChange, context.Message.Phase, dataPhase))
                .RollBack(step, context => context.Message.Reason, timeouts)
                .TransitionTo(TierRollingBack));

    void DefineRollback(ProvisioningTimeoutOptions timeouts)
    {
        During(TierRollingBack,
            When(SideRemoved, context => context.About(TenantSideRoles.Target) && context.Saga.RollbackPending.Contains(TierChangeBinder.PendingTarget))
                .ReleasePoolSlotWhen(context => context.Message.DeploymentMode == DeploymentModes.Shared)
                .TargetRemoved()
                .FinishRollbackWhenDone(this),
            When(DataMoved, context => IsCurrentPhase(context.Saga, context.Message.TierChange, context.Message.Phase, TenantDataPhases.Unfreeze))
                .TierPhase("TierRollback", "compensated", context => context.Message.Message)
                .Then(context => context.Saga.RollbackPending.Remove(TierChangeBinder.PendingUnfreeze))
                .FinishRollbackWhenDone(this),
            When(AccessSet, context => !context.Message.Suspended && TierChangeBinder.RouteDueBack(context.Saga) && context.FromWorkerOf(TenantSideRoles.Current))
                .TierPhase("TierRollback", "compensated", context => $"route given back to the old side: {context.Message.Message}")
                .Then(context => context.Saga.RollbackPending.Remove(TierChangeBinder.PendingRoute))
                .FinishRollbackWhenDone(this),
            When(DataMoveFailed, context => IsCurrentPhase(context.Saga, context.Message.TierChange, context.Message.Phase, TenantDataPhases.Unfreeze))
                .TierPhase("TierRollback", "failed", context => $"unfreeze failed ({context.Message.Reason}); sent again at the removal deadline"),
            When(AccessFailed, context => !context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Current))
                .TierPhase("TierRollback", "failed", context => $"route not given back yet ({context.Message.Reason}); sent again at the removal deadline"),
            When(RemovalOverdue)
                .TierPhase("TierRollback", "started", context => $"rollback not confirmed by {context.Message.DeadlineAt:u} (waiting for {string.Join(", ", context.Saga.RollbackPending)}); sending again")
                .SendRollbackCommands(timeouts));
    }

    /// <summary>The old side after the grace period; and a deadline left over from provisioning on an Active tenant is cleared.</summary>
    void DefineRetirement(ProvisioningTimeoutOptions timeouts)
    {
        During(Active, Suspended,
            When(RemovalOverdue, context => context.Saga.Retired is not null)
                .RemoveSide(TenantSideRoles.Retired, timeouts)
                .AppendLog("RetireOldSide", "started", context => $"grace period over: removing {context.Saga.Retired!.Describe()}"),
            When(RemovalOverdue, context => context.Saga.Retired is null)
                .Then(context => context.Saga.DeadlineAt = null));

        // Deprovisioned too: the tenant's own removal may be confirmed before its old side's.
        During([Active, Suspended, Suspending, Resuming, Deprovisioning, Deprovisioned, TierResizing],
            When(SideRemoved, context => context.About(TenantSideRoles.Retired))
                .ReleasePoolSlotWhen(context => context.Message.DeploymentMode == DeploymentModes.Shared)
                .OldSideRemoved());
    }

    static bool IsTheChangeUnderWay(TenantState saga, string newTier) =>
        saga.TargetTier is { } target && string.Equals(target, newTier.Trim(), StringComparison.OrdinalIgnoreCase);

    static bool IsCurrentChange(TenantState saga, int tierChange) => tierChange > 0 && tierChange == saga.TierChangeCount;

    static bool IsCurrentPhase(TenantState saga, int tierChange, string phase, string expected) =>
        IsCurrentChange(saga, tierChange) && phase == expected;

    static string PhaseOf(string state) => state switch
    {
        TenantStatuses.TierProvisioningTarget => "ProvisionTarget",
        TenantStatuses.TierFreezingSource => "TierFreeze",
        TenantStatuses.TierCopyingData => "TierCopy",
        TenantStatuses.TierVerifyingData => "TierVerify",
        _ => "TierSwitchRoute",
    };

    /// <summary>
    /// Who may change: the tier must differ in a way this control plane supports, nothing of an earlier change may still be
    /// waiting for removal, and a move to the shared path needs a pool slot (reserved here, released on rollback).
    /// </summary>
    static async Task AdmitTierChangeAsync(BehaviorContext<TenantState, ChangeTenantTier> context, ProvisioningOptions options)
    {
        var saga = context.Saga;
        var newTier = context.Message.NewTier.Trim().ToLowerInvariant();
        if (!SubscriptionTiers.IsKnown(newTier))
        {
            Reject(saga, "tier", $"'{context.Message.NewTier}' is not a tier ({string.Join(", ", SubscriptionTiers.All)})");
            return;
        }
        // Never both at once: the rollout takes a tenant only while it is settled, and bumps its row's version as it does,
        // so a tier change admitted from an older read of the row is retried and sees the migration here.
        if (await context.GetServiceOrCreateInstance<ITenantAdmission>().IsMigratingSchemaAsync(saga.TenantId, context.CancellationToken))
        {
            Reject(saga, "migrating", "a fleet rollout is migrating this shop's schema; change the tier once it is done (seconds per shop)");
            return;
        }
        var mode = DeploymentModes.Decide(newTier, options.FreeTier.Enabled);
        if (mode == saga.DeploymentMode)
        {
            if (mode == DeploymentModes.Dedicated && !string.Equals(newTier, saga.SubscriptionTier, StringComparison.OrdinalIgnoreCase))
            {
                // Resized where it is: no target side, no data moved.
                saga.TierChangeCount++;
                saga.TargetTier = newTier;
                saga.Target = null;
                saga.TierChangeError = null;
            }
            return;
        }
        if (saga.Retired is not null)
        {
            Reject(saga, "retiring", $"the old side of the last tier change ({saga.Retired.Describe()}) is kept until {saga.RetireAt:u}; change again after it is removed");
            return;
        }
        var names = new TenantNames(saga.TenantId);
        var target = new TenantSide { DeploymentMode = mode, KeepRoute = true };
        if (mode == DeploymentModes.Shared)
        {
            target.Pool = await context.GetServiceOrCreateInstance<ITenantAdmission>().ReserveSharedSlotAsync(saga.TenantId, context.CancellationToken);
            if (target.Pool is null)
            {
                Reject(saga, "capacity", "every shared pool is full; the tenant stays where it is");
                return;
            }
            target.Namespace = options.FreeTier.Namespace;
        }
        else
        {
            target.Namespace = names.DedicatedNamespace;
            target.HelmRelease = names.HelmRelease;
        }
        saga.TierChangeCount++;
        saga.TargetTier = newTier;
        saga.Target = target;
        saga.RollbackPending = [];
        saga.TierChangeError = null;
    }

    /// <summary>The switch is confirmed: the target serves the tenant; the old side is kept, read-only, until the grace period ends.</summary>
    static void CompleteTierChange(TenantState saga, DateTimeOffset now, TierChangeOptions options)
    {
        var old = TenantSide.CurrentOf(saga);
        var target = saga.Target!;
        // The old side's removal must leave the route alone when the new side serves it through the same route.
        old.KeepRoute = target.KeepRoute;
        target.ApplyTo(saga);
        saga.SubscriptionTier = saga.TargetTier!;
        saga.Retired = old;
        saga.RetireAt = now + TimeSpan.FromSeconds(options.GracePeriodSeconds);
        saga.DeadlineAt = saga.RetireAt;
        saga.Target = null;
        saga.TargetTier = null;
    }
}
