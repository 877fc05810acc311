using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Logging;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Suspend or resume for either worker: under the tenant's inbox lock (never beside its provisioning or removal), the
/// path's own <paramref name="setAccess"/> brings the route to the wanted state, and the outcome goes back to the saga.
/// A failure is reported, not thrown: the route is as it was, and the saga keeps the tenant where it was.
/// </summary>
public static class TenantAccessHandler
{
    public static async Task SetAccessAsync(ConsumeContext<SetTenantAccess> context, ProvisioningInbox inbox, TimeProvider clock, ILogger logger,
        Func<SetTenantAccess, CancellationToken, Task<string>> setAccess)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        using var held = await inbox.EnterAsync(command.TenantId, context.CancellationToken);
        try
        {
            var message = await setAccess(command, context.CancellationToken);
            await context.PublishBoundedAsync(new TenantAccessSet
            {
                CorrelationId = command.CorrelationId, TenantId = command.TenantId, Suspended = command.Suspended, Message = message,
                CompletedAt = clock.GetUtcNow(),
            }, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            var reason = StepRunner.Describe(ex);
            logger.LogWarning(ex, "{Action} of {TenantId} failed: {Reason}", command.Suspended ? "Suspension" : "Resumption", command.TenantId, reason);
            await context.PublishBoundedAsync(new TenantAccessFailed
            {
                CorrelationId = command.CorrelationId, TenantId = command.TenantId, Suspended = command.Suspended, Reason = reason,
                FailedAt = clock.GetUtcNow(),
            }, context.CancellationToken);
        }
    }
}
