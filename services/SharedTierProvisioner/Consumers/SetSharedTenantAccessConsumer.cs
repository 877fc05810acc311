using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Provisioning;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

/// <summary>Suspends (route answers 503) or resumes a shared tenant; its schema and data are not touched.</summary>
public sealed class SetSharedTenantAccessConsumer(SharedTenantProvisioner provisioner, ProvisioningInbox inbox, TimeProvider clock,
    ILogger<SetSharedTenantAccessConsumer> logger) : IConsumer<SetTenantAccess>
{
    public Task Consume(ConsumeContext<SetTenantAccess> context) =>
        TenantAccessHandler.SetAccessAsync(context, inbox, clock, logger,
            (command, cancellationToken) => provisioner.SetAccessAsync(command.TenantId, command.Suspended, cancellationToken));
}
