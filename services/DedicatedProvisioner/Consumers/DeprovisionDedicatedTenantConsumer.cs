using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>Removes everything the tenant has of its own; publishes completion only once all of it is verified gone.</summary>
public sealed class DeprovisionDedicatedTenantConsumer(ProvisioningInbox inbox, IDedicatedPlatform platform, TimeProvider clock) : IConsumer<DeprovisionDedicatedTenant>
{
    public async Task Consume(ConsumeContext<DeprovisionDedicatedTenant> context)
    {
        var command = context.Message;
        // Never beside a provisioning of the same tenant (a timed-out one may still be running).
        using var held = await inbox.EnterAsync(command.TenantId, context.CancellationToken);
        TenantIds.Require(command.TenantId);
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId);
        var removed = await platform.RemoveAsync(command.TenantId, command.KeepRoute, progress.ReportAsync, context.CancellationToken);
        await progress.FlushAsync();
        if (!removed)
        {
            // Retried by the endpoint's retry policy; after that the command waits in the error queue for an operator.
            throw new InvalidOperationException($"tenant {command.TenantId} still has infrastructure after removal (see its provisioning log)");
        }
        await context.PublishBoundedAsync(new DedicatedTenantDeprovisioned
        {
            CorrelationId = command.CorrelationId,
            TenantId = command.TenantId,
            CompletedAt = clock.GetUtcNow(),
        }, context.CancellationToken);
    }
}
