using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// A tier change that stays on the dedicated path (professional ↔ enterprise): one command to the dedicated worker,
/// which resizes the tenant where it is and, on failure, puts the old shape back before it answers. The tenant is served
/// throughout; no data moves, no read-only window. A deadline that passes (worker down) sends the same command again:
/// the worker answers each tier change once, so a resent or redelivered command is harmless.
/// </summary>
public sealed partial class TenantLifecycleStateMachine
{
    public State TierResizing { get; private set; } = null!;

    public Event<DedicatedTenantResized> DedicatedResized { get; private set; } = null!;
    public Event<DedicatedTenantResizeFailed> DedicatedResizeFailed { get; private set; } = null!;

    void DefineResize(ProvisioningTimeoutOptions timeouts)
    {
        Event(() => DedicatedResized, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => DedicatedResizeFailed, e => e.CorrelateById(c => c.Message.CorrelationId));

        During(TierResizing,
            When(DedicatedResized, context => IsCurrentChange(context.Saga, context.Message.TierChange))
                .AppendSteps(message => message.Steps)
                .PublishViaOutbox(context => new TenantTierChanged
                {
                    TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Message.NewTier,
                    DeploymentMode = DeploymentModes.Dedicated, ChangedAt = context.Message.CompletedAt,
                })
                .TierPhase("TierChange", "completed", context => context.Message.Warnings.Count == 0
                    ? $"resized in place: {context.Message.Message}"
                    : $"resized in place: {context.Message.Message}; warnings: {string.Join("; ", context.Message.Warnings)}")
                .Then(context =>
                {
                    var saga = context.Saga;
                    saga.SubscriptionTier = context.Message.NewTier;
                    saga.TargetTier = null;
                    // The old side of an earlier change keeps its removal date.
                    saga.DeadlineAt = saga.RetireAt;
                })
                .TransitionTo(Active),
            When(DedicatedResizeFailed, context => IsCurrentChange(context.Saga, context.Message.TierChange))
                .AppendSteps(message => message.Steps)
                .Then(context => context.Saga.TierChangeError = $"TierResize: {context.Message.Step}: {context.Message.Reason}")
                // Only a shape verified back is a rollback billing may rely on; otherwise the log asks an operator to look.
                .If(context => context.Message.RolledBack, rolledBack => rolledBack.PublishViaOutbox(context => new TenantTierChangeRolledBack
                {
                    TenantId = context.Saga.TenantId, OldTier = context.Saga.SubscriptionTier, NewTier = context.Saga.TargetTier!,
                    Phase = "TierResize", Reason = context.Saga.TierChangeError!, RolledBackAt = context.Message.FailedAt,
                }))
                .TierPhase("TierChange", "failed", context => context.Message.RolledBack
                    ? $"resize failed ({context.Message.Step}: {context.Message.Reason}); {context.Saga.SubscriptionTier} shape put back, tenant served throughout"
                    : $"resize failed ({context.Message.Step}: {context.Message.Reason}) and the {context.Saga.SubscriptionTier} shape could not be verified back: an operator must look")
                .Then(context =>
                {
                    context.Saga.TargetTier = null;
                    context.Saga.DeadlineAt = context.Saga.RetireAt;
                })
                .TransitionTo(Active),
            When(DeadlinePassed)
                .TierPhase("TierResize", "started", context => $"no answer by {context.Message.DeadlineAt:u}; asking the dedicated worker again")
                .Resize(timeouts));
    }
}
