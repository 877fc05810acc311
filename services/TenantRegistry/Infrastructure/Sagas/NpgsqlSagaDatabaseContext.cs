using System.Linq.Expressions;
using System.Text.Json;
using MassTransit;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Sagas;

/// <summary>One message's unit of work on a saga table: a connection, a transaction and the four operations MassTransit asks for.</summary>
public sealed class NpgsqlSagaDatabaseContext<TSaga>(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaTable<TSaga> table)
    : IAsyncDisposable
    where TSaga : class, ISagaVersion
{
    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;

    /// <summary>Outbox messages written in this transaction, to deliver once it has committed.</summary>
    public List<OutboxMessage> Written { get; } = [];

    /// <summary>
    /// INSERT … ON CONFLICT DO NOTHING: in PostgreSQL a failed INSERT would abort the whole transaction. Zero rows
    /// means another message created the same saga, or a unique constraint of the table refused it (e.g. one live
    /// tenant per shop): the message is retried, reloads, and sees the winner.
    /// </summary>
    public async Task InsertAsync(TSaga instance, CancellationToken cancellationToken)
    {
        var columns = table.Columns;
        var names = string.Join(", ", columns.Select(c => c.Name));
        var parameters = string.Join(", ", columns.Select((_, i) => $"@p{i}"));
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {table.Name} (correlation_id, version, data, {names}) VALUES (@id, 1, @data::jsonb, {parameters}) ON CONFLICT DO NOTHING",
            connection, transaction);
        instance.Version = 1;
        AddParameters(command, instance);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            instance.Version = 0;
            throw new ConcurrencyException($"{typeof(TSaga).Name} {instance.CorrelationId} conflicts with an existing row", typeof(TSaga), instance.CorrelationId);
        }
        await WriteOutboxAsync(instance, cancellationToken);
    }

    public async Task UpdateAsync(TSaga instance, CancellationToken cancellationToken)
    {
        var columns = table.Columns;
        var assignments = string.Join(", ", columns.Select((c, i) => $"{c.Name} = @p{i}"));
        var expected = instance.Version;
        instance.Version = expected + 1;
        await using var command = new NpgsqlCommand(
            $"UPDATE {table.Name} SET version = @next, data = @data::jsonb, {assignments}, updated_at = now() WHERE correlation_id = @id AND version = @expected",
            connection, transaction);
        AddParameters(command, instance);
        command.Parameters.AddWithValue("next", instance.Version);
        command.Parameters.AddWithValue("expected", expected);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            instance.Version = expected;
            throw new ConcurrencyException($"{typeof(TSaga).Name} {instance.CorrelationId} was changed by another message (version {expected})",
                typeof(TSaga), instance.CorrelationId);
        }
        await WriteOutboxAsync(instance, cancellationToken);
    }

    /// <summary>
    /// The saga's outgoing messages join the same transaction as its new state (transactional outbox); they are handed
    /// over for delivery (<see cref="Written"/>) only after that transaction commits.
    /// </summary>
    async Task WriteOutboxAsync(TSaga instance, CancellationToken cancellationToken)
    {
        if (instance is not IHasOutbox { PendingMessages.Count: > 0 } outbox)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var message in outbox.PendingMessages)
        {
            var insert = new NpgsqlBatchCommand(
                "INSERT INTO outbox_messages (id, correlation_id, destination, message_type, body) VALUES (@id, @correlation, @destination, @type, @body::jsonb)");
            insert.Parameters.AddWithValue("id", message.Id);
            insert.Parameters.AddWithValue("correlation", instance.CorrelationId);
            insert.Parameters.AddWithValue("destination", (object?)message.Destination ?? DBNull.Value);
            insert.Parameters.AddWithValue("type", message.MessageType);
            insert.Parameters.AddWithValue("body", message.Body);
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        Written.AddRange(outbox.PendingMessages);
        outbox.PendingMessages.Clear();
    }

    public async Task DeleteAsync(TSaga instance, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"DELETE FROM {table.Name} WHERE correlation_id = @id AND version = @version", connection, transaction);
        command.Parameters.AddWithValue("id", instance.CorrelationId);
        command.Parameters.AddWithValue("version", instance.Version);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ConcurrencyException($"{typeof(TSaga).Name} {instance.CorrelationId} changed before it could be deleted", typeof(TSaga), instance.CorrelationId);
        }
    }

    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT data, version FROM {table.Name} WHERE correlation_id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", correlationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Query by expression. Expressions are not translated to SQL: the rows are read and filtered in process, which
    /// is right for the small tables of sagas in flight this serves (the test harness and operator tooling), not for hot paths.
    /// </summary>
    public async Task<IReadOnlyList<TSaga>> QueryAsync(Expression<Func<TSaga, bool>> filter, CancellationToken cancellationToken)
    {
        var predicate = filter.Compile();
        var matches = new List<TSaga>();
        await using var command = new NpgsqlCommand($"SELECT data, version FROM {table.Name}", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var saga = Read(reader);
            if (predicate(saga))
            {
                matches.Add(saga);
            }
        }
        return matches;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    static TSaga Read(NpgsqlDataReader reader)
    {
        var saga = JsonSerializer.Deserialize<TSaga>(reader.GetString(0), SagaJson.Options)!;
        saga.Version = reader.GetInt32(1);
        return saga;
    }

    void AddParameters(NpgsqlCommand command, TSaga instance)
    {
        command.Parameters.AddWithValue("id", instance.CorrelationId);
        command.Parameters.AddWithValue("data", JsonSerializer.Serialize(instance, SagaJson.Options));
        var columns = table.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            command.Parameters.AddWithValue($"p{i}", columns[i].Value(instance) ?? DBNull.Value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
