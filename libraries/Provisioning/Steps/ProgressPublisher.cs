using MassTransit;
using MechanicBuddy.Contracts;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Turns a worker's step reports into <see cref="TenantProvisioningProgressed"/> events and keeps them, so the completion
/// or failure event can repeat them. Progress is for watching, not a precondition of the next step: it is published
/// without waiting for the broker's confirm, and <see cref="FlushAsync"/> awaits every publish before the outcome goes out.
/// A progress event that could not be published (broker away) is not worth failing the provisioning for: the outcome
/// event carries every step anyway.
/// </summary>
public sealed class ProgressPublisher(IPublishEndpoint publisher, Guid correlationId, string tenantId)
{
    readonly List<ProvisioningStepRecord> _steps = [];
    readonly List<Task> _publishes = [];

    public Task ReportAsync(ProvisioningProgress progress)
    {
        lock (_steps)
        {
            _steps.Add(new ProvisioningStepRecord { Step = progress.Step, Outcome = progress.Outcome, Message = progress.Message, Timestamp = progress.Timestamp });
            _publishes.Add(publisher.PublishBoundedAsync(new TenantProvisioningProgressed
            {
                CorrelationId = correlationId,
                TenantId = tenantId,
                Step = progress.Step,
                Outcome = progress.Outcome,
                Message = progress.Message,
                Timestamp = progress.Timestamp,
            }, CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    /// <summary>Waits for every progress publish; returns the steps in the order they were reported.</summary>
    public async Task<IReadOnlyList<ProvisioningStepRecord>> FlushAsync()
    {
        Task[] pending;
        lock (_steps)
        {
            pending = [.. _publishes];
        }
        try
        {
            await Task.WhenAll(pending);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or MassTransitException or RabbitMqConnectionException)
        {
            // Lost progress events only; the outcome that follows repeats every step.
        }
        lock (_steps)
        {
            return [.. _steps];
        }
    }
}
