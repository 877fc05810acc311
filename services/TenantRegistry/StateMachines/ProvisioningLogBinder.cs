using MassTransit;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.TenantRegistry.Infrastructure;

namespace MechanicBuddy.TenantRegistry.StateMachines;

public static class ProvisioningLogBinder
{
    /// <summary>Appends a saga-level entry to the tenant's log; keyed by message and step so a retried message logs it once.</summary>
    public static EventActivityBinder<TenantState, T> AppendLog<T>(this EventActivityBinder<TenantState, T> binder, string step, string outcome,
        Func<BehaviorContext<TenantState, T>, string> message)
        where T : class =>
        binder.ThenAsync(context =>
        {
            var log = context.GetServiceOrCreateInstance<IProvisioningLog>();
            var clock = context.GetServiceOrCreateInstance<TimeProvider>();
            var entry = new ProvisioningLogEntry { Timestamp = clock.GetUtcNow(), Step = step, Outcome = outcome, Message = message(context) };
            return log.AppendAsync(context.Saga.TenantId, entry, $"saga:{context.MessageId}:{step}", context.CancellationToken);
        });

    /// <summary>Appends the worker's step records carried by a completion or failure event, before the state changes.</summary>
    public static EventActivityBinder<TenantState, T> AppendSteps<T>(this EventActivityBinder<TenantState, T> binder,
        Func<T, IReadOnlyList<Contracts.ProvisioningStepRecord>> steps)
        where T : class =>
        binder.ThenAsync(context =>
        {
            var tenantId = context.Saga.TenantId;
            var entries = steps(context.Message)
                .Select(step => new ProvisioningLogEntry { Timestamp = step.Timestamp, Step = step.Step, Outcome = step.Outcome, Message = step.Message })
                .Select(entry => (entry, IProvisioningLog.StepKey(tenantId, entry)))
                .ToList();
            return context.GetServiceOrCreateInstance<IProvisioningLog>().AppendAsync(tenantId, entries, context.CancellationToken);
        });
}
