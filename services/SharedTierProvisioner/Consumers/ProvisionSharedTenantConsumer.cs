using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

/// <summary>Runs Path 1 for one tenant, publishing a progress event per step and one completion or failure event.</summary>
public sealed class ProvisionSharedTenantConsumer(SharedTenantProvisioner provisioner, IOptions<ProvisioningOptions> options, TimeProvider clock)
    : IConsumer<ProvisionSharedTenant>
{
    public async Task Consume(ConsumeContext<ProvisionSharedTenant> context)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        var steps = new List<ProvisioningStepRecord>();
        var publishes = new List<Task>();
        var outcome = await provisioner.ProvisionAsync(command, progress =>
        {
            lock (steps)
            {
                steps.Add(new ProvisioningStepRecord { Step = progress.Step, Outcome = progress.Outcome, Message = progress.Message, Timestamp = progress.Timestamp });
                // Progress is for watching, not a precondition of the next step: publish without waiting for the
                // broker's confirm; every publish is awaited before the completion below.
                publishes.Add(context.Publish(new TenantProvisioningProgressed
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    Step = progress.Step,
                    Outcome = progress.Outcome,
                    Message = progress.Message,
                    Timestamp = progress.Timestamp,
                }));
            }
            return Task.CompletedTask;
        }, context.CancellationToken);
        await Task.WhenAll(publishes);

        switch (outcome)
        {
            case SharedProvisioningOutcome.Succeeded done:
                await context.Publish(new SharedTenantProvisioned
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    Pool = command.Pool,
                    Schema = done.Schema,
                    TenantUrl = done.TenantUrl,
                    ApiUrl = done.ApiUrl,
                    Namespace = options.Value.FreeTier.Namespace,
                    CompletedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
                break;
            case SharedProvisioningOutcome.Failed failed:
                await context.Publish(new SharedTenantProvisioningFailed
                {
                    CorrelationId = command.CorrelationId,
                    TenantId = command.TenantId,
                    Step = failed.Step,
                    Reason = failed.Reason,
                    Compensated = failed.Compensated,
                    FailedAt = clock.GetUtcNow(),
                    Steps = steps,
                });
                break;
        }
    }
}
