using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// Suspend and resume: the tenant's route answers 503 while Suspended and serves it again when resumed; nothing else is
/// touched. Suspending and Resuming wait for the worker of the tenant's path to confirm the route change; a failure
/// leaves the route as it was and the tenant where it was. Repeating the request re-sends the command (idempotent).
/// </summary>
public sealed partial class TenantLifecycleStateMachine
{
    public State Suspending { get; private set; } = null!;
    public State Suspended { get; private set; } = null!;
    public State Resuming { get; private set; } = null!;

    public Event<SuspendTenant> SuspendRequested { get; private set; } = null!;
    public Event<ResumeTenant> ResumeRequested { get; private set; } = null!;
    public Event<TenantAccessSet> AccessSet { get; private set; } = null!;
    public Event<TenantAccessFailed> AccessFailed { get; private set; } = null!;

    void DefineSuspension()
    {
        Event(() => SuspendRequested, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => ResumeRequested, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => AccessSet, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => AccessFailed, e => e.CorrelateById(c => c.Message.CorrelationId));

        During(Active, Suspending,
            When(SuspendRequested)
                .Then(context => context.Saga.SuspendReason = context.Message.Reason)
                .SetAccess(suspended: true)
                .AppendLog("Suspend", "started", context => $"suspending{(context.Message.Reason is { } reason ? $" ({reason})" : "")}: the route will answer 503")
                .TransitionTo(Suspending));

        During(Suspending,
            When(AccessSet, context => context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Current))
                .Then(context => context.Saga.SuspendedAt = context.Message.CompletedAt)
                .AppendLog("Suspend", "completed", context => context.Message.Message)
                .PublishViaOutbox(context => new TenantSuspended
                {
                    TenantId = context.Saga.TenantId, Reason = context.Saga.SuspendReason, SuspendedAt = context.Message.CompletedAt,
                })
                .TransitionTo(Suspended),
            When(AccessFailed, context => context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Current))
                .Then(context => context.Saga.SuspendReason = null)
                .AppendLog("Suspend", "failed", context => $"route unchanged, tenant still served: {context.Message.Reason}")
                .TransitionTo(Active));

        During(Suspended, Resuming,
            When(ResumeRequested)
                .SetAccess(suspended: false)
                .AppendLog("Resume", "started", _ => "resuming: the route will serve the tenant again")
                .TransitionTo(Resuming));

        During(Resuming,
            When(AccessSet, context => !context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Current))
                .Then(context =>
                {
                    context.Saga.SuspendedAt = null;
                    context.Saga.SuspendReason = null;
                })
                .AppendLog("Resume", "completed", context => context.Message.Message)
                .PublishViaOutbox(context => new TenantResumed { TenantId = context.Saga.TenantId, ResumedAt = context.Message.CompletedAt })
                .TransitionTo(Active),
            When(AccessFailed, context => !context.Message.Suspended && context.FromWorkerOf(TenantSideRoles.Current))
                .AppendLog("Resume", "failed", context => $"route unchanged, tenant still suspended: {context.Message.Reason}")
                .TransitionTo(Suspended));
    }
}
