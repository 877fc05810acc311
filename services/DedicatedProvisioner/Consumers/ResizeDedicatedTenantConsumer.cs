using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>
/// One resize in place, carried out once per tier change: under the tenant's inbox lock, with its outcome recorded, so a
/// redelivered or resent command gets the recorded answer and a resize killed halfway is run again from the start
/// (every step converges).
/// </summary>
public sealed class ResizeDedicatedTenantConsumer(IDedicatedPlatform platform, ProvisioningInbox inbox, IOptions<ProvisioningOptions> options,
    TimeProvider clock) : IConsumer<ResizeDedicatedTenant>
{
    public async Task Consume(ConsumeContext<ResizeDedicatedTenant> context)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        var plan = DedicatedResizePlan.For(command, options.Value);
        // A tier this worker has no shape for is answered, not thrown: a thrown command would only be retried into the
        // error queue while the saga, hearing nothing, sends it again.
        var unknown = new[] { command.OldTier, command.NewTier }.FirstOrDefault(t => !options.Value.TierResourceLimits.ContainsKey(t));
        await inbox.RunOnceAsync(context, command.TenantId, ProvisioningInbox.AttemptKey("dedicated-resize", command.TierChange, attempt: 1),
            () => unknown is null ? ResizeAsync(context, plan) : Task.FromResult(RecordedEvent.Of(new DedicatedTenantResizeFailed
            {
                CorrelationId = command.CorrelationId, TenantId = command.TenantId, TierChange = command.TierChange, Step = "ResizeQuota",
                Reason = $"'{unknown}' is not a dedicated tier here ({string.Join(", ", options.Value.TierResourceLimits.Keys)}); nothing was changed",
                RolledBack = true, FailedAt = clock.GetUtcNow(),
            })));
    }

    async Task<RecordedEvent> ResizeAsync(ConsumeContext context, DedicatedResizePlan plan)
    {
        var command = plan.Command;
        var progress = new ProgressPublisher(context, command.CorrelationId, command.TenantId);
        var outcome = await platform.ResizeAsync(plan, progress.ReportAsync, context.CancellationToken);
        var steps = await progress.FlushAsync();
        return outcome switch
        {
            DedicatedProvisioningOutcome.Succeeded done => RecordedEvent.Of(new DedicatedTenantResized
            {
                CorrelationId = command.CorrelationId, TenantId = command.TenantId, TierChange = command.TierChange, NewTier = command.NewTier,
                Message = $"{plan.Describe()} on {platform.Name}", Warnings = done.Warnings, CompletedAt = clock.GetUtcNow(), Steps = steps,
            }),
            DedicatedProvisioningOutcome.Failed failed => RecordedEvent.Of(new DedicatedTenantResizeFailed
            {
                CorrelationId = command.CorrelationId, TenantId = command.TenantId, TierChange = command.TierChange, Step = failed.Step,
                Reason = failed.Reason, RolledBack = failed.Compensated, FailedAt = clock.GetUtcNow(), Steps = steps,
            }),
            _ => throw new InvalidOperationException($"unexpected outcome {outcome}"),
        };
    }
}
