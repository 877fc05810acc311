using MassTransit;
using MechanicBuddy.Contracts;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Turns a worker's step reports into <see cref="TenantProvisioningProgressed"/> events, for watching while it runs.
/// Progress is not a precondition of the next step: it is published without waiting for the broker's confirm, and
/// <see cref="FlushAsync"/> awaits every publish before the outcome goes out. The outcome repeats every step, so the
/// tenant's log is whole when the outcome is handled even when a progress event was lost, retried past the outcome, or
/// handled by another registry replica; each step is logged once whichever copy comes first (the same key). Where the
/// outcome repeats the steps (<paramref name="outcomeRepeatsSteps"/>), progress is published transient: kept in the
/// broker's memory only, it costs no disk write.
/// </summary>
public sealed class ProgressPublisher(IPublishEndpoint publisher, Guid correlationId, string tenantId, bool outcomeRepeatsSteps = true)
{
    readonly List<(ProvisioningStepRecord Step, Task Publish)> _reported = [];

    public Task ReportAsync(ProvisioningProgress progress)
    {
        lock (_reported)
        {
            _reported.Add((new ProvisioningStepRecord { Step = progress.Step, Outcome = progress.Outcome, Message = progress.Message, Timestamp = progress.Timestamp },
                Publish(new TenantProvisioningProgressed
                {
                    CorrelationId = correlationId,
                    TenantId = tenantId,
                    Step = progress.Step,
                    Outcome = progress.Outcome,
                    Message = progress.Message,
                    Timestamp = progress.Timestamp,
                })));
        }
        return Task.CompletedTask;
    }

    Task Publish(TenantProvisioningProgressed progress) => outcomeRepeatsSteps
        ? publisher.PublishTransientBoundedAsync(progress, CancellationToken.None)
        : publisher.PublishBoundedAsync(progress, CancellationToken.None);

    /// <summary>Waits for every progress publish; returns every step, in the order reported.</summary>
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
            // Lost progress events only; the outcome that follows carries every step.
        }
        return [.. reported.Select(r => r.Step)];
    }
}
