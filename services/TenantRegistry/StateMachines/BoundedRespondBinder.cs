using MassTransit;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// Answers the Gateway's request within a time limit. A response sent while the broker connection is gone can wait
/// for good, and the saga's receive endpoint cannot restart while that consume is in flight (the crash-safety suite
/// saw the registry stop admitting signups after a broker restart). Bounded, the consume faults, its transaction
/// rolls back, the request is redelivered, and the endpoint recovers; the Gateway's client retries with its key.
/// </summary>
public static class BoundedRespondBinder
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static EventActivityBinder<TenantState, T> RespondBounded<T, TResponse>(this EventActivityBinder<TenantState, T> binder,
        Func<BehaviorContext<TenantState, T>, TResponse> response)
        where T : class
        where TResponse : class =>
        binder.ThenAsync(context => context.RespondAsync(response(context)).WaitAsync(Limit, context.CancellationToken));
}
