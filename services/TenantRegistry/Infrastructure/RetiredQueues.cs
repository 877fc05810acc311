using MechanicBuddy.ServiceDefaults;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>
/// Deletes queues an earlier registry consumed from and this one does not: still bound to their exchanges, they would
/// collect a copy of every message for ever. Progress events are consumed from the queue tenant-progress now.
/// </summary>
public sealed class RetiredQueues(IOptions<RabbitMqOptions> options, ILogger<RetiredQueues> logger) : IHostedService
{
    public static readonly IReadOnlyList<string> Names = ["tenant-provisioning-progressed"];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await options.Value.ConnectionFactory().CreateConnectionAsync(cancellationToken);
        foreach (var name in Names)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                var dropped = await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
                logger.LogInformation("Retired queue {Queue} deleted ({Messages} messages in it)", name, dropped);
            }
            catch (OperationInterruptedException ex)
            {
                logger.LogDebug(ex, "Retired queue {Queue} not deleted", name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
