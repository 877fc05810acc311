using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

/// <summary>Runs Path 1 for one tenant, publishing a progress event per step and one completion or failure event.</summary>
public sealed class ProvisionSharedTenantConsumer(SharedTenantProvisioner provisioner, ProvisioningInbox inbox, IOptions<ProvisioningOptions> options,
    TimeProvider clock)
    : IConsumer<ProvisionSharedTenant>
{
    public async Task Consume(ConsumeContext<ProvisionSharedTenant> context)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        await inbox.RunOnceAsync(context, command.TenantId, ProvisioningInbox.AttemptKey("shared-provision", command.TierChange, command.Attempt), () => ProvisionAsync(context, command));
    }

    async Task<RecordedEvent> ProvisionAsync(ConsumeContext context, ProvisionSharedTenant command)
    {
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId);
        var outcome = await provisioner.ProvisionAsync(command, progress.ReportAsync, context.CancellationToken);
        var steps = await progress.FlushAsync();

        switch (outcome)
        {
            case SharedProvisioningOutcome.Succeeded done:
                return RecordedEvent.Of(new SharedTenantProvisioned
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    TierChange = command.TierChange,
                    Pool = command.Pool,
                    Schema = done.Schema,
                    TenantUrl = done.TenantUrl,
                    ApiUrl = done.ApiUrl,
                    Namespace = options.Value.FreeTier.Namespace,
                    CompletedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
            case SharedProvisioningOutcome.Failed failed:
                return RecordedEvent.Of(new SharedTenantProvisioningFailed
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    TierChange = command.TierChange,
                    Step = failed.Step,
                    Reason = failed.Reason,
                    Compensated = failed.Compensated,
                    FailedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
            default:
                throw new InvalidOperationException($"unexpected outcome {outcome}");
        }
    }
}
