using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>Suspends (hosts answer 503) or resumes a dedicated tenant on its platform; its instance and data are not touched.</summary>
public sealed class SetDedicatedTenantAccessConsumer(IDedicatedPlatform platform, ProvisioningInbox inbox, TimeProvider clock,
    ILogger<SetDedicatedTenantAccessConsumer> logger) : IConsumer<SetTenantAccess>
{
    public Task Consume(ConsumeContext<SetTenantAccess> context) =>
        TenantAccessHandler.SetAccessAsync(context, inbox, clock, logger, platform.SetAccessAsync);
}
