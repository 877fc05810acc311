using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

/// <summary>Removes a tenant's side from its pool (route, schema, role, secret); answers only once all of it is verified gone.</summary>
public sealed class RemoveSharedSideConsumer(ProvisioningInbox inbox, SharedTenantProvisioner provisioner, TimeProvider clock) : IConsumer<RemoveTenantSide>
{
    public async Task Consume(ConsumeContext<RemoveTenantSide> context)
    {
        var command = context.Message;
        var pool = SharedSideCommands.Require(command.DeploymentMode, command.Pool);
        // Never beside a provisioning of the same tenant (a timed-out one may still be running).
        using var held = await inbox.EnterAsync(command.TenantId, context.CancellationToken);
        var names = new TenantNames(command.TenantId);
        if (!await provisioner.RemoveAsync(pool, names, command.KeepRoute, context.CancellationToken))
        {
            // Retried by the endpoint's retry policy; after that the command waits in the error queue for an operator.
            throw new InvalidOperationException($"tenant {command.TenantId} still has pieces in pool {pool} after removal");
        }
        await context.PublishBoundedAsync(new TenantProvisioningProgressed
        {
            CorrelationId = command.CorrelationId,
            TenantId = command.TenantId,
            Step = "Deprovision",
            Outcome = ProvisioningProgress.Completed,
            Message = $"{(command.KeepRoute ? "" : "route, ")}schema {names.Schema}, role {names.Role} and secret removed from pool {pool}{(command.KeepRoute ? " (route kept: it serves the tenant's new tier)" : "")}",
            Timestamp = clock.GetUtcNow(),
        }, context.CancellationToken);
        await context.PublishBoundedAsync(SideAnswers.Removed(command, DeploymentModes.Shared, clock.GetUtcNow()), context.CancellationToken);
    }
}
