using MechanicBuddy.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>
/// Declares the dedicated worker's queues and exchanges exactly as its MassTransit endpoint will. The registry runs it
/// so a dedicated request is never sent into an unbound exchange (it waits in the queue until a worker takes it);
/// the DedicatedProvisioner runs it so its queue exists from its first start.
/// </summary>
public sealed class DedicatedWorkQueue(IOptions<RabbitMqOptions> options, ILogger<DedicatedWorkQueue> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rabbit = options.Value;
        await using var connection = await rabbit.ConnectionFactory().CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        Dictionary<string, object?>? arguments = rabbit.QuorumQueues ? new() { ["x-queue-type"] = "quorum" } : null;
        foreach (var name in QueueNames.Dedicated)
        {
            await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(name, name, routingKey: "", cancellationToken: cancellationToken);
        }
        logger.LogInformation("Queues {Queues} ready for dedicated requests", string.Join(", ", QueueNames.Dedicated));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
