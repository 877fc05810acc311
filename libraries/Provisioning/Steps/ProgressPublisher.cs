using MassTransit;
using MechanicBuddy.Contracts;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Turns a worker's step reports into <see cref="TenantProvisioningProgressed"/> events: each step is recorded once, by
/// its progress event. Progress is for watching, not a precondition of the next step: it is published without waiting
/// for the broker's confirm, and <see cref="FlushAsync"/> awaits every publish before the outcome goes out (the registry
/// handles a tenant's messages in order, so its log holds every step when the outcome arrives). A progress event that
/// could not be published (broker away) is not worth failing the provisioning for: the outcome event carries that step.
/// </summary>
public sealed class ProgressPublisher(IPublishEndpoint publisher, Guid correlationId, string tenantId)
{
    readonly List<(ProvisioningStepRecord Step, Task Publish)> _reported = [];

    public Task ReportAsync(ProvisioningProgress progress)
    {
        lock (_reported)
        {
            _reported.Add((new ProvisioningStepRecord { Step = progress.Step, Outcome = progress.Outcome, Message = progress.Message, Timestamp = progress.Timestamp },
                publisher.PublishBoundedAsync(new TenantProvisioningProgressed
                {
                    CorrelationId = correlationId,
                    TenantId = tenantId,
                    Step = progress.Step,
                    Outcome = progress.Outcome,
                    Message = progress.Message,
                    Timestamp = progress.Timestamp,
                }, CancellationToken.None)));
        }
        return Task.CompletedTask;
    }

    /// <summary>Waits for every progress publish; returns, in the order reported, the steps whose event did not reach the broker.</summary>
    public async Task<IReadOnlyList<ProvisioningStepRecord>> FlushAsync()
    {
        (ProvisioningStepRecord Step, Task Publish)[] reported;
        lock (_reported)
        {
            reported = [.. _reported];
        }
        try
        {
            await Task.WhenAll(reported.Select(r => r.Publish));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or MassTransitException or RabbitMqConnectionException)
        {
            // Lost progress events only; the outcome that follows carries their steps.
        }
        return [.. reported.Where(r => !r.Publish.IsCompletedSuccessfully).Select(r => r.Step)];
    }
}
