using MassTransit;
using MechanicBuddy.ServiceDefaults;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>
/// Which worker sent an answer. Each worker publishes its answers to its own path's exchanges, which only it may write
/// (<see cref="WorkerAnswerExchanges"/>); the exchange a delivery came through is set by the broker, so an answer about a
/// shared side must have come through a shared exchange, one about a dedicated side through a dedicated one. Off
/// RabbitMQ (the in-memory test transport) there is no exchange to check and the answer is taken as it is; on RabbitMQ
/// an answer that came any other way (the base exchange, moved back from an error queue) is ignored, and the tenant's
/// deadline asks the worker again.
/// </summary>
public static class WorkerOrigin
{
    public static bool IsWorkerOf(ConsumeContext context, string deploymentMode, string messageType)
    {
        if (context.ReceiveContext.InputAddress?.Scheme.StartsWith("rabbitmq", StringComparison.OrdinalIgnoreCase) != true)
        {
            return true;
        }
        var exchange = ExchangeOf(context.ReceiveContext);
        if (WorkerAnswerExchanges.PathOf(exchange) == deploymentMode)
        {
            return true;
        }
        context.GetServiceOrCreateInstance<ILoggerFactory>().CreateLogger(typeof(WorkerOrigin))
            .LogWarning("Ignored {MessageType} about a {Mode} side: it came through exchange '{Exchange}', not that path's worker's", messageType,
                deploymentMode, exchange ?? "(unknown)");
        return false;
    }

    static string? ExchangeOf(ReceiveContext receive) =>
        receive is RabbitMqBasicConsumeContext delivery
            ? delivery.Exchange
            : receive.TryGetPayload<RabbitMqBasicConsumeContext>(out var payload) ? payload.Exchange : null;
}
