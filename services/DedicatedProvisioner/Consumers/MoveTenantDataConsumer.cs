using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.TierChange;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>
/// One data phase of a tier change, carried out once: under the tenant's inbox lock, with its outcome recorded per
/// (tier change, phase), so a redelivered copy gets the recorded answer and a copy can never run again over a target
/// that has gone live. Once a change has been rolled back (its unfreeze recorded), a late freeze, copy or verify of
/// that change is refused, so it cannot freeze the source again behind the saga's back.
/// </summary>
public sealed class MoveTenantDataConsumer(TenantDataMover mover, ProvisioningInbox inbox, CrashPoints crashPoints, TimeProvider clock,
    ILogger<MoveTenantDataConsumer> logger) : IConsumer<MoveTenantData>
{
    public async Task Consume(ConsumeContext<MoveTenantData> context)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        if (!TenantDataPhases.All.Contains(command.Phase) || command.TierChange < 1)
        {
            throw new ArgumentException($"unknown data phase '{command.Phase}' or tier change {command.TierChange}");
        }
        await inbox.RunOnceAsync(context, command.TenantId, Key(command.TierChange, command.Phase), () => RunAsync(context, command));
    }

    static string Key(int tierChange, string phase) => $"data-tier{tierChange}-{phase}";

    async Task<RecordedEvent> RunAsync(ConsumeContext context, MoveTenantData command)
    {
        if (command.Phase != TenantDataPhases.Unfreeze
            && await inbox.RecordedAsync<RecordedEvent>(command.TenantId, Key(command.TierChange, TenantDataPhases.Unfreeze), context.CancellationToken) is not null)
        {
            return Failed(command, $"tier change {command.TierChange} was rolled back; its {command.Phase} is not run any more");
        }
        string message;
        try
        {
            message = await mover.RunAsync(command, context.CancellationToken);
        }
        catch (Exception ex) when (command.Phase != TenantDataPhases.Unfreeze && (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested))
        {
            // The saga rolls back on this. An unfreeze that fails is thrown instead: retried, never recorded as done.
            var reason = StepRunner.Describe(ex);
            logger.LogWarning(ex, "Data phase {Phase} of tier change {TierChange} for {TenantId} failed: {Reason}", command.Phase, command.TierChange,
                command.TenantId, reason);
            return Failed(command, reason);
        }
        // Crash tests: the phase is done but not yet recorded or reported, so the redelivered command runs it again.
        crashPoints.Reached(TenantDataMover.StepName(command.Phase));
        logger.LogInformation("Data phase {Phase} of tier change {TierChange} for {TenantId}: {Message}", command.Phase, command.TierChange, command.TenantId, message);
        return RecordedEvent.Of(new TenantDataMoved
        {
            CorrelationId = command.CorrelationId, TenantId = command.TenantId, TierChange = command.TierChange, Phase = command.Phase,
            Message = message, CompletedAt = clock.GetUtcNow(),
        });
    }

    RecordedEvent Failed(MoveTenantData command, string reason) => RecordedEvent.Of(new TenantDataMoveFailed
    {
        CorrelationId = command.CorrelationId, TenantId = command.TenantId, TierChange = command.TierChange, Phase = command.Phase,
        Reason = reason, FailedAt = clock.GetUtcNow(),
    });
}
