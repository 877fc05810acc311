using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.TenantRegistry.StateMachines;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.Fleet;

/// <summary>
/// Steps every running rollout a few times a second: what <see cref="FleetMigrationStore.StepAsync"/> marked is sent to
/// the tenants' workers after it committed (a crash in between: the tenant is overdue and sent again), and the events
/// that came due are published before they are marked sent.
/// </summary>
public sealed class FleetMigrationDriver(FleetMigrationStore store, IBus bus, IOptions<FleetOptions> options, IConfiguration configuration, CrashPoints crashPoints,
    ILogger<FleetMigrationDriver> logger) : BackgroundService
{
    public const string CrashPoint = "Fleet.Committed";
    static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var fleet = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var id in await store.ActiveAsync(stoppingToken))
                {
                    var step = await store.StepAsync(id, TimeSpan.FromSeconds(fleet.ResendAfterSeconds), stoppingToken);
                    if (step.Sends.Count > 0)
                    {
                        // Fault injection: tenants are marked as sent, nothing has left; they must be sent again when overdue.
                        crashPoints.Reached(CrashPoint);
                    }
                    // A send waiting on a broker that is away must not hold every rollout: what is not out is sent again.
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    limit.CancelAfter(SendLimit);
                    await Task.WhenAll(step.Sends.Select(async command =>
                    {
                        var endpoint = await bus.GetSendEndpoint(QueueNames.Exchange(WorkerQueues.For<MigrateTenantSchema>(command.DeploymentMode)));
                        await endpoint.Send(command, limit.Token);
                        if (CrashPoints.DeliverTwice(configuration))
                        {
                            await endpoint.Send(command, limit.Token);
                        }
                    }));
                    foreach (var message in step.Events)
                    {
                        await bus.Publish(message, message.GetType(), limit.Token);
                    }
                    if (step.Events.Count > 0)
                    {
                        await store.MarkPublishedAsync(id, step, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Database or broker away: the rows hold where each rollout stands; the next tick carries on.
                logger.LogWarning(ex, "Fleet rollout step failed; retrying");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(fleet.TickMilliseconds), stoppingToken);
        }
    }
}
