using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>
/// Ends the process when the bus has been unhealthy for longer than <see cref="RabbitMqOptions.StuckBusExitSeconds"/>.
/// After a broker restart the RabbitMQ transport reconnects by itself almost always; the crash-safety suite showed it
/// can also stay disconnected for good (no further attempts, no consumers). A fresh process always connects, so the
/// supervisor (systemd, Kubernetes, Docker's restart policy) gets a clean exit to restart instead of a silent service.
/// </summary>
public sealed class BusWatchdog(IBusControl bus, IOptions<RabbitMqOptions> options, IHostApplicationLifetime lifetime, ILogger<BusWatchdog> logger)
    : BackgroundService
{
    public const int ExitCode = 75;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limit = TimeSpan.FromSeconds(options.Value.StuckBusExitSeconds);
        if (limit <= TimeSpan.Zero)
        {
            return;
        }
        var clock = new StuckBusClock(limit);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            var health = bus.CheckHealth();
            if (clock.Observe(health.Status == BusHealthStatus.Healthy, DateTime.UtcNow))
            {
                logger.LogCritical("The message bus has been {Status} for over {Limit}: {Description}; exiting with {ExitCode} so the supervisor restarts this service",
                    health.Status, limit, health.Description, ExitCode);
                Environment.ExitCode = ExitCode;
                lifetime.StopApplication();
                // A transport that never reconnects may not stop either.
                await Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None);
                Environment.Exit(ExitCode);
            }
        }
    }
}
