using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.TenantRegistry.Infrastructure;

namespace MechanicBuddy.TenantRegistry.Consumers;

/// <summary>Appends workers' step events to the tenant's log, on the saga's queue in the tenant's partition (in order with its outcome) but without loading the saga, so progress never contends with state changes.</summary>
public sealed class TenantProvisioningProgressedConsumer(IProvisioningLog log) : IConsumer<TenantProvisioningProgressed>
{
    public Task Consume(ConsumeContext<TenantProvisioningProgressed> context)
    {
        var message = context.Message;
        var entry = new ProvisioningLogEntry { Timestamp = message.Timestamp, Step = message.Step, Outcome = message.Outcome, Message = message.Message };
        return log.AppendAsync(message.TenantId, entry, IProvisioningLog.StepKey(message.TenantId, entry), context.CancellationToken);
    }
}
