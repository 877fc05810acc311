using MassTransit;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Publishing from inside a consume with a time limit. When the broker connection drops mid-consume, a publish on the
/// consume's context can wait for good, and the receive endpoint cannot restart while that consume is in flight: the
/// crash-safety suite saw a worker left with no consumer on its queue after a broker restart. Bounded, the publish
/// fails, the consume faults, the message goes back to the queue, and the endpoint recovers.
/// </summary>
public static class BoundedPublish
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static Task PublishBoundedAsync<T>(this IPublishEndpoint endpoint, T message, CancellationToken cancellationToken) where T : class =>
        endpoint.PublishBoundedAsync(message, typeof(T), cancellationToken);

    public static Task PublishBoundedAsync(this IPublishEndpoint endpoint, object message, Type type, CancellationToken cancellationToken) =>
        BoundedAsync(token => endpoint.Publish(message, type, token), cancellationToken);

    /// <summary>A message only for watching (its content reaches the registry again another way): the broker keeps it in memory, not on disk.</summary>
    public static Task PublishTransientBoundedAsync<T>(this IPublishEndpoint endpoint, T message, CancellationToken cancellationToken) where T : class =>
        BoundedAsync(token => endpoint.Publish(message, typeof(T), context => context.Durable = false, token), cancellationToken);

    static async Task BoundedAsync(Func<CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        // WaitAsync as well: a publish waiting on a dead channel may not be watching its token.
        await publish(limit.Token).WaitAsync(Limit, cancellationToken);
    }
}
