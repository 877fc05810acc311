using System.Text.Json;
using MassTransit;
using MechanicBuddy.Contracts;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

/// <summary>How the saga's sends and publishes leave: through the transactional outbox, or (in-memory test harness) straight away.</summary>
public interface ISagaMessageOutbox
{
    Task SendAsync<T>(SagaConsumeContext<StateMachines.TenantState> context, string queue, T message) where T : class;
    Task PublishAsync<T>(SagaConsumeContext<StateMachines.TenantState> context, T message) where T : class;
}

/// <summary>
/// Production: the message joins the saga's pending messages; the saga repository writes them to outbox_messages in the
/// transaction that stores the new state, and the <see cref="OutboxDispatcher"/> delivers them after the commit. A crash
/// anywhere leaves either both (state and messages) or neither.
/// </summary>
public sealed class TransactionalSagaOutbox : ISagaMessageOutbox
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task SendAsync<T>(SagaConsumeContext<StateMachines.TenantState> context, string queue, T message) where T : class
    {
        context.Saga.PendingMessages.Add(new OutboxMessage(NewId.NextGuid(), QueueNames.Exchange(queue).ToString(), typeof(T).FullName!, JsonSerializer.Serialize(message, Json)));
        return Task.CompletedTask;
    }

    public Task PublishAsync<T>(SagaConsumeContext<StateMachines.TenantState> context, T message) where T : class
    {
        context.Saga.PendingMessages.Add(new OutboxMessage(NewId.NextGuid(), null, typeof(T).FullName!, JsonSerializer.Serialize(message, Json)));
        return Task.CompletedTask;
    }
}

/// <summary>For the in-memory test harness, whose saga repository has no outbox table: send and publish at once.</summary>
public sealed class ImmediateSagaOutbox : ISagaMessageOutbox
{
    public Task SendAsync<T>(SagaConsumeContext<StateMachines.TenantState> context, string queue, T message) where T : class =>
        context.Send(QueueNames.Exchange(queue), message);

    public Task PublishAsync<T>(SagaConsumeContext<StateMachines.TenantState> context, T message) where T : class => context.Publish(message);
}
