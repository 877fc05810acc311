using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

/// <summary>Builds a tenant's side on Path 1 (a pool slot), publishing a progress event per step and one built or failed answer.</summary>
public sealed class BuildSharedSideConsumer(SharedTenantProvisioner provisioner, ProvisioningInbox inbox, IOptions<ProvisioningOptions> options,
    TimeProvider clock)
    : IConsumer<BuildTenantSide>
{
    public async Task Consume(ConsumeContext<BuildTenantSide> context)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        SharedSideCommands.Require(command.DeploymentMode, command.Pool);
        await inbox.RunOnceAsync(context, command.TenantId, ProvisioningInbox.AttemptKey("shared-provision", command.TierChange, command.Attempt), () => BuildAsync(context, command));
    }

    async Task<RecordedEvent> BuildAsync(ConsumeContext context, BuildTenantSide command)
    {
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId);
        var outcome = await provisioner.ProvisionAsync(command, progress.ReportAsync, context.CancellationToken);
        var steps = await progress.FlushAsync();

        switch (outcome)
        {
            case SharedProvisioningOutcome.Succeeded done:
                return RecordedEvent.Of(new TenantSideBuilt
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    Side = command.Side,
                    DeploymentMode = DeploymentModes.Shared,
                    TierChange = command.TierChange,
                    Pool = command.Pool,
                    Schema = done.Schema,
                    SchemaVersion = command.SchemaVersion ?? ShopSchemaVersions.Latest,
                    TenantUrl = done.TenantUrl,
                    ApiUrl = done.ApiUrl,
                    Namespace = options.Value.FreeTier.Namespace,
                    CompletedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
            case SharedProvisioningOutcome.Failed failed:
                return RecordedEvent.Of(SideAnswers.BuildFailed(command, DeploymentModes.Shared, failed.Step, failed.Reason, failed.Compensated, clock.GetUtcNow(), steps));
            default:
                throw new InvalidOperationException($"unexpected outcome {outcome}");
        }
    }
}
