using System.Text.Json;
using MassTransit;
using MechanicBuddy.Contracts;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

/// <summary>
/// Delivers committed outbox messages to RabbitMQ, oldest first, then deletes them. Woken by NOTIFY from the committing
/// transaction (and every second regardless, for anything a lost notification or a crash left behind). Rows are
/// claimed with FOR UPDATE SKIP LOCKED, so several registry instances never deliver the same row at once; a crash
/// between the broker's confirm and the delete delivers it again with the same MessageId — at least once, which the
/// consumers tolerate (every command and event is idempotent).
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource dataSource, IBus bus, IConfiguration configuration, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public const string Channel = "mechanicbuddy_outbox";
    const int BatchSize = 100;
    static readonly System.Reflection.Assembly Contracts = typeof(ProvisionTenant).Assembly;
    readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    bool DeliverTwice => configuration.GetValue<bool>("FaultInjection:DeliverTwice");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Broker or database away: the rows stay and are tried again.
                logger.LogWarning(ex, "Outbox delivery failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => _wake.Release();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                _wake.Release();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Outbox listener lost its connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Delivers up to one batch; returns how many rows it delivered.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<OutboxMessage>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, destination, message_type, body::text FROM outbox_messages ORDER BY position LIMIT @n FOR UPDATE SKIP LOCKED", connection, transaction))
        {
            select.Parameters.AddWithValue("n", BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new OutboxMessage(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        if (rows.Count == 0)
        {
            return 0;
        }
        // Publishes go out side by side (each awaits its confirm); order within a tenant is kept by the saga itself,
        // which never has two of its messages in flight that depend on each other's order.
        await Task.WhenAll(rows.Select(row => DeliverAsync(row, cancellationToken)));
        if (DeliverTwice)
        {
            // Fault injection (tests, game days): every command and event arrives twice, as a redelivery would bring it.
            await Task.WhenAll(rows.Select(row => DeliverAsync(row with { Id = NewId.NextGuid() }, cancellationToken)));
        }
        await using (var delete = new NpgsqlCommand("DELETE FROM outbox_messages WHERE id = ANY(@ids)", connection, transaction))
        {
            delete.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    async Task DeliverAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var type = Contracts.GetType(row.MessageType) ?? throw new InvalidOperationException($"unknown message type {row.MessageType} in the outbox");
        var message = JsonSerializer.Deserialize(row.Body, type, TransactionalSagaOutbox.Json)!;
        if (row.Destination is null)
        {
            await bus.Publish(message, type, context => context.MessageId = row.Id, cancellationToken);
            return;
        }
        var endpoint = await bus.GetSendEndpoint(new Uri(row.Destination));
        await endpoint.Send(message, type, context => context.MessageId = row.Id, cancellationToken);
    }
}
