using MassTransit;
using MechanicBuddy.TenantRegistry.StateMachines;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

/// <summary>State machine activities that send and publish through <see cref="ISagaMessageOutbox"/> instead of straight to the broker.</summary>
public static class OutboxBinder
{
    public static EventActivityBinder<TenantState, TEvent> SendViaOutbox<TEvent, T>(this EventActivityBinder<TenantState, TEvent> binder, string queue,
        Func<BehaviorContext<TenantState, TEvent>, T> message)
        where TEvent : class
        where T : class =>
        binder.ThenAsync(context => context.GetServiceOrCreateInstance<ISagaMessageOutbox>().SendAsync(context, queue, message(context)));

    public static EventActivityBinder<TenantState, TEvent> PublishViaOutbox<TEvent, T>(this EventActivityBinder<TenantState, TEvent> binder,
        Func<BehaviorContext<TenantState, TEvent>, T> message)
        where TEvent : class
        where T : class =>
        binder.ThenAsync(context => context.GetServiceOrCreateInstance<ISagaMessageOutbox>().PublishAsync(context, message(context)));
}
