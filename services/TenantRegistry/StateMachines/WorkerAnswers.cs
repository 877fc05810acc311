using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.TenantRegistry.Infrastructure;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// Whether a worker's answer is about the tenant's side in a role (current, target, retired): the side it names is that
/// role, the path it names is the path of the tenant's side in that role, and it came from that path's worker.
/// </summary>
public static class WorkerAnswers
{
    public static bool About(this BehaviorContext<TenantState, TenantSideBuilt> context, string role) =>
        IsAbout(context, role, context.Message.Side, context.Message.DeploymentMode);

    public static bool About(this BehaviorContext<TenantState, TenantSideBuildFailed> context, string role) =>
        IsAbout(context, role, context.Message.Side, context.Message.DeploymentMode);

    public static bool About(this BehaviorContext<TenantState, TenantSideRemoved> context, string role) =>
        IsAbout(context, role, context.Message.Side, context.Message.DeploymentMode);

    /// <summary>An answer with no side of its own (a route change) came from the worker of the tenant's side in that role.</summary>
    public static bool FromWorkerOf<T>(this BehaviorContext<TenantState, T> context, string role)
        where T : class =>
        TenantSide.ModeOf(context.Saga, role) is { } mode && WorkerOrigin.IsWorkerOf(context, mode, typeof(T).Name);

    static bool IsAbout<T>(BehaviorContext<TenantState, T> context, string role, string side, string mode)
        where T : class =>
        side == role && TenantSide.ModeOf(context.Saga, role) == mode && WorkerOrigin.IsWorkerOf(context, mode, typeof(T).Name);
}
