using MassTransit;
using MechanicBuddy.TenantRegistry.Infrastructure;

namespace MechanicBuddy.TenantRegistry.StateMachines;

public static class PoolSlotBinder
{
    /// <summary>Gives the tenant's shared-pool slot back when the side that held it is gone (never for a dedicated side: the slot is the other side's).</summary>
    public static EventActivityBinder<TenantState, T> ReleasePoolSlotWhen<T>(this EventActivityBinder<TenantState, T> binder,
        Func<BehaviorContext<TenantState, T>, bool> heldTheSlot)
        where T : class =>
        binder.If(context => heldTheSlot(context), release => release.ThenAsync(context =>
            context.GetServiceOrCreateInstance<ITenantAdmission>().ReleaseSharedSlotAsync(context.Saga.TenantId, context.CancellationToken)));
}
