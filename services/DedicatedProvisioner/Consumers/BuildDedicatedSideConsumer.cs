using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>Builds a tenant's side on Path 2 (infrastructure of its own, on the configured platform), publishing a progress event per step and one built or failed answer.</summary>
public sealed class BuildDedicatedSideConsumer(IDedicatedPlatform platform, ProvisioningInbox inbox, IOptions<ProvisioningOptions> options,
    TimeProvider clock)
    : IConsumer<BuildTenantSide>
{
    public async Task Consume(ConsumeContext<BuildTenantSide> context)
    {
        var command = context.Message;
        WorkerPath.Require(DeploymentModes.Dedicated, command.DeploymentMode);
        var plan = DedicatedTenantPlan.For(command, options.Value);
        await inbox.RunOnceAsync(context, command.TenantId, ProvisioningInbox.AttemptKey("dedicated-provision", command.TierChange, command.Attempt), () => ProvisionAsync(context, command, plan));
    }

    async Task<RecordedEvent> ProvisionAsync(ConsumeContext context, BuildTenantSide command, DedicatedTenantPlan plan)
    {
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId);
        var outcome = await platform.ProvisionAsync(plan, progress.ReportAsync, context.CancellationToken);
        var steps = await progress.FlushAsync();

        switch (outcome)
        {
            case DedicatedProvisioningOutcome.Succeeded done:
                var tenantUrl = options.Value.PublicUrl(plan.PrimaryHostname);
                return RecordedEvent.Of(new TenantSideBuilt
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    Side = command.Side,
                    DeploymentMode = DeploymentModes.Dedicated,
                    TierChange = command.TierChange,
                    Platform = platform.Name,
                    Namespace = plan.Names.DedicatedNamespace,
                    HelmRelease = done.HelmRelease,
                    SchemaVersion = done.SchemaVersion,
                    TenantUrl = tenantUrl,
                    ApiUrl = tenantUrl + "/api",
                    Hostnames = plan.Hostnames,
                    Warnings = done.Warnings,
                    CompletedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
            case DedicatedProvisioningOutcome.Failed failed:
                return RecordedEvent.Of(SideAnswers.BuildFailed(command, DeploymentModes.Dedicated, failed.Step, failed.Reason, failed.Compensated, clock.GetUtcNow(), steps));
            default:
                throw new InvalidOperationException($"unexpected outcome {outcome}");
        }
    }
}
