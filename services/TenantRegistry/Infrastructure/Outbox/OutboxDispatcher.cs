using System.Text.Json;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

/// <summary>Hands the messages of a just-committed saga transaction over for delivery.</summary>
public interface IOutboxCommitted
{
    Task DeliverCommittedAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}

/// <summary>
/// Delivers committed outbox messages to RabbitMQ, then deletes them. Right after a saga transaction commits, its
/// messages are delivered at once from memory (no extra database round trip before the send); rows that are still
/// there a few seconds later — the registry crashed, or the broker was away — are claimed by the recovery poll
/// (FOR UPDATE SKIP LOCKED, so several registries never deliver the same row at once) and sent then. A crash between
/// the broker's confirm and the delete sends again with the same MessageId: at least once, which every consumer
/// tolerates (all commands and events are idempotent).
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource dataSource, IBus bus, IConfiguration configuration, CrashPoints crashPoints, ILogger<OutboxDispatcher> logger)
    : BackgroundService, IOutboxCommitted
{
    /// <summary>How old a row must be before the recovery poll takes it (younger ones are being delivered in process).</summary>
    public static readonly TimeSpan RecoveryAge = TimeSpan.FromSeconds(5);
    static readonly TimeSpan ImmediateDeliveryLimit = TimeSpan.FromSeconds(10);
    static readonly TimeSpan RecoveryBatchLimit = TimeSpan.FromSeconds(30);
    const int BatchSize = 100;
    static readonly System.Reflection.Assembly Contracts = typeof(ProvisionTenant).Assembly;

    bool DeliverTwice => CrashPoints.DeliverTwice(configuration);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                limit.CancelAfter(RecoveryBatchLimit);
                while (await DeliverBatchAsync(RecoveryAge, limit.Token) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Broker or database away: the rows stay and are tried again.
                logger.LogWarning(ex, "Outbox recovery failed; retrying");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    public async Task DeliverCommittedAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        // Fault injection: the saga's state and its messages are committed, none has left yet; the recovery poll must send them.
        crashPoints.Reached(CrashPointOf(messages[0]));
        // A send that cannot finish (broker away) must not hold the saga's partition: the rows stay for the recovery poll.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ImmediateDeliveryLimit);
        try
        {
            await DeliverAllAsync(messages, limit.Token);
            await using var delete = dataSource.CreateCommand("DELETE FROM outbox_messages WHERE id = ANY(@ids)");
            delete.Parameters.AddWithValue("ids", messages.Select(m => m.Id).ToArray());
            await delete.ExecuteNonQueryAsync(limit.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Committed rows stay in the outbox; the recovery poll sends them.
            logger.LogWarning(ex, "Immediate outbox delivery failed; the recovery poll will send the messages");
        }
    }

    /// <summary>"Committed.{message type}", and for a command ".{queue}" too (one command type goes to either worker).</summary>
    static string CrashPointOf(OutboxMessage first)
    {
        var type = first.MessageType[(first.MessageType.LastIndexOf('.') + 1)..];
        return first.Destination is { } destination ? $"Committed.{type}.{destination[(destination.LastIndexOf(':') + 1)..]}" : $"Committed.{type}";
    }

    /// <summary>Delivers up to one batch of rows at least <paramref name="minimumAge"/> old; returns how many it delivered.</summary>
    public async Task<int> DeliverBatchAsync(TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<OutboxMessage>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, destination, message_type, body::text FROM outbox_messages WHERE created_at <= now() - @age ORDER BY position LIMIT @n FOR UPDATE SKIP LOCKED",
            connection, transaction))
        {
            select.Parameters.AddWithValue("n", BatchSize);
            select.Parameters.AddWithValue("age", minimumAge);
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
        // A row of a type this build does not know (written by another version) cannot be sent; it must not hold up
        // every row behind it, so it is set aside for an operator, with the rest delivered.
        var unknown = rows.Where(r => Contracts.GetType(r.MessageType) is null).ToList();
        if (unknown.Count > 0)
        {
            await using var setAside = new NpgsqlCommand(
                "INSERT INTO outbox_set_aside (id, correlation_id, destination, message_type, body, created_at) " +
                "SELECT id, correlation_id, destination, message_type, body, created_at FROM outbox_messages WHERE id = ANY(@ids) ON CONFLICT (id) DO NOTHING",
                connection, transaction);
            setAside.Parameters.AddWithValue("ids", unknown.Select(r => r.Id).ToArray());
            await setAside.ExecuteNonQueryAsync(cancellationToken);
            foreach (var row in unknown)
            {
                logger.LogError("Outbox message {MessageId} of unknown type {MessageType} set aside in outbox_set_aside", row.Id, row.MessageType);
            }
        }
        await DeliverAllAsync([.. rows.Except(unknown)], cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM outbox_messages WHERE id = ANY(@ids)", connection, transaction))
        {
            delete.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Sends side by side (each awaits its confirm); order within a tenant is kept by the saga itself, which never has two
    /// of its messages in flight that depend on each other's order.
    /// </summary>
    async Task DeliverAllAsync(IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        await Task.WhenAll(rows.Select(row => DeliverAsync(row, cancellationToken)));
        if (DeliverTwice)
        {
            // Fault injection (tests, game days): every command and event arrives twice, as a redelivery would bring it.
            await Task.WhenAll(rows.Select(row => DeliverAsync(row with { Id = NewId.NextGuid() }, cancellationToken)));
        }
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
