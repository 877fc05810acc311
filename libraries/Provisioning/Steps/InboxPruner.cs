using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>Keeps the worker's inbox from growing without end: once at start and then hourly, old recorded outcomes go.</summary>
public sealed class InboxPruner(ProvisioningInbox inbox, TimeProvider clock, ILogger<InboxPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = inbox.Prune(clock.GetUtcNow().UtcDateTime);
                if (pruned > 0)
                {
                    logger.LogInformation("Pruned {Count} recorded outcome(s) from the inbox", pruned);
                }
            }
            catch (IOException ex)
            {
                logger.LogWarning(ex, "Inbox pruning failed; trying again in an hour");
            }
            await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken);
        }
    }
}
