using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>Removes a tenant's dedicated side (everything it has of its own); answers only once all of it is verified gone.</summary>
public sealed class RemoveDedicatedSideConsumer(ProvisioningInbox inbox, IDedicatedPlatform platform, TimeProvider clock) : IConsumer<RemoveTenantSide>
{
    public async Task Consume(ConsumeContext<RemoveTenantSide> context)
    {
        var command = context.Message;
        WorkerPath.Require(DeploymentModes.Dedicated, command.DeploymentMode);
        // Never beside a provisioning of the same tenant (a timed-out one may still be running).
        using var held = await inbox.EnterAsync(command.TenantId, context.CancellationToken);
        TenantIds.Require(command.TenantId);
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId, outcomeRepeatsSteps: false);
        var removed = await platform.RemoveAsync(command.TenantId, command.KeepRoute, progress.ReportAsync, context.CancellationToken);
        await progress.FlushAsync();
        if (!removed)
        {
            // Retried by the endpoint's retry policy; after that the command waits in the error queue for an operator.
            throw new InvalidOperationException($"tenant {command.TenantId} still has infrastructure after removal (see its provisioning log)");
        }
        await context.PublishBoundedAsync(SideAnswers.Removed(command, DeploymentModes.Dedicated, clock.GetUtcNow()), context.CancellationToken);
    }
}
