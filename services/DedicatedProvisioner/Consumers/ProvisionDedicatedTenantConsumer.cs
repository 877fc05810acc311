using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>Runs Path 2 for one tenant on the configured platform, publishing a progress event per step and one completion or failure event.</summary>
public sealed class ProvisionDedicatedTenantConsumer(IDedicatedPlatform platform, ProvisioningInbox inbox, IOptions<ProvisioningOptions> options,
    TimeProvider clock)
    : IConsumer<ProvisionDedicatedTenant>
{
    public async Task Consume(ConsumeContext<ProvisionDedicatedTenant> context)
    {
        var command = context.Message;
        var plan = DedicatedTenantPlan.For(command, options.Value);
        await inbox.RunOnceAsync(context, command.TenantId, ProvisioningInbox.AttemptKey("dedicated-provision", command.TierChange, command.Attempt), () => ProvisionAsync(context, command, plan));
    }

    async Task<RecordedEvent> ProvisionAsync(ConsumeContext context, ProvisionDedicatedTenant command, DedicatedTenantPlan plan)
    {
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId);
        var outcome = await platform.ProvisionAsync(plan, progress.ReportAsync, context.CancellationToken);
        var steps = await progress.FlushAsync();

        switch (outcome)
        {
            case DedicatedProvisioningOutcome.Succeeded done:
                var tenantUrl = options.Value.PublicUrl(plan.PrimaryHostname);
                return RecordedEvent.Of(new DedicatedTenantProvisioned
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    TierChange = command.TierChange,
                    Platform = platform.Name,
                    Namespace = plan.Names.DedicatedNamespace,
                    HelmRelease = done.HelmRelease,
                    TenantUrl = tenantUrl,
                    ApiUrl = tenantUrl + "/api",
                    Hostnames = plan.Hostnames,
                    Warnings = done.Warnings,
                    CompletedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
            case DedicatedProvisioningOutcome.Failed failed:
                return RecordedEvent.Of(new DedicatedTenantProvisioningFailed
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
