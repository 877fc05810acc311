using MassTransit;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>
/// Who sent a worker's answer. Both workers may write the path-neutral answer exchanges, so the exchange no longer says
/// which worker wrote: every service stamps its broker user into the AMQP user-id property, and RabbitMQ refuses a publish
/// whose user-id is not the connection's login. An answer about a shared side must come from the shared worker's user,
/// one about a dedicated side from the dedicated worker's. Off RabbitMQ (the in-memory test transport) there is no
/// broker login to check and the answer is taken as it is; on RabbitMQ an answer without a readable sender is ignored.
/// </summary>
public static class WorkerOrigin
{
    public static bool IsWorkerOf(ConsumeContext context, string deploymentMode, string messageType)
    {
        // Fail closed: on RabbitMQ an answer whose sender cannot be read is not taken.
        if (context.ReceiveContext.InputAddress?.Scheme.StartsWith("rabbitmq", StringComparison.OrdinalIgnoreCase) != true)
        {
            return true;
        }
        var rabbit = context.GetServiceOrCreateInstance<IOptions<RabbitMqOptions>>().Value;
        var expected = deploymentMode == DeploymentModes.Shared ? rabbit.SharedWorkerUser : rabbit.DedicatedWorkerUser;
        var sender = SenderOf(context.ReceiveContext);
        if (string.Equals(sender, expected, StringComparison.Ordinal))
        {
            return true;
        }
        context.GetServiceOrCreateInstance<ILoggerFactory>().CreateLogger(typeof(WorkerOrigin))
            .LogWarning("Ignored {MessageType} about a {Mode} side: sent by broker user '{Sender}', not that path's worker '{Expected}'",
                messageType, deploymentMode, sender ?? "(unknown)", expected);
        return false;
    }

    /// <summary>The AMQP user-id of the delivery (validated by the broker), or null when there is none.</summary>
    static string? SenderOf(ReceiveContext receive) =>
        receive is RabbitMqBasicConsumeContext delivery
            ? delivery.Properties.UserId
            : receive.TryGetPayload<RabbitMqBasicConsumeContext>(out var payload) ? payload.Properties.UserId : null;
}
