using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Api;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// The lifecycle events that end a signup, Active or Failed. Each carries the result the registry would answer for the
/// tenant at that moment (state, URLs, resources, the whole log), so the Gateway holding the signup open answers from the
/// event and does not read it back. Used after the last log entry of the transition is written.
/// </summary>
public static class SignupOutcomeBinder
{
    public static EventActivityBinder<TenantState, T> PublishProvisioned<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningOptions options)
        where T : class =>
        binder.ThenAsync(async context =>
        {
            var saga = context.Saga;
            var result = await ResultAsync(context, TenantStatuses.Active, options);
            await context.GetServiceOrCreateInstance<ISagaMessageOutbox>().PublishAsync(context, new TenantProvisioned
            {
                TenantId = saga.TenantId,
                CompanyName = saga.CompanyName,
                SubscriptionTier = saga.SubscriptionTier,
                OwnerEmail = saga.OwnerEmail,
                DeploymentMode = saga.DeploymentMode!,
                TenantUrl = saga.TenantUrl!,
                ApiUrl = saga.ApiUrl!,
                ProvisionedAt = saga.ProvisionedAt!.Value,
                Result = result,
            });
        });

    public static EventActivityBinder<TenantState, T> PublishFailed<T>(this EventActivityBinder<TenantState, T> binder, ProvisioningOptions options)
        where T : class =>
        binder.ThenAsync(async context =>
        {
            var saga = context.Saga;
            var result = await ResultAsync(context, TenantStatuses.Failed, options);
            await context.GetServiceOrCreateInstance<ISagaMessageOutbox>().PublishAsync(context, new TenantProvisioningFailed
            {
                TenantId = saga.TenantId,
                SubscriptionTier = saga.SubscriptionTier,
                Step = saga.FailedStep!,
                Reason = saga.FailureReason!,
                FailedAt = saga.FailedAt!.Value,
                Result = result,
            });
        });

    static async Task<Contracts.Http.TenantProvisioningResult> ResultAsync<T>(BehaviorContext<TenantState, T> context, string status, ProvisioningOptions options)
        where T : class
    {
        var log = await context.GetServiceOrCreateInstance<IProvisioningLog>().ReadAsync(context.Saga.TenantId, context.CancellationToken);
        var now = context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow();
        return TenantMapper.ToResult(context.Saga, log, options, now, status);
    }
}
