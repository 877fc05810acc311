using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.TenantRegistry.Infrastructure;

namespace MechanicBuddy.TenantRegistry.Consumers;

/// <summary>Appends workers' step events to the tenant's log as they happen. Apart from the saga, so progress never contends with state changes; the outcome repeats every step.</summary>
public sealed class TenantProvisioningProgressedConsumer(IProvisioningLog log) : IConsumer<TenantProvisioningProgressed>
{
    public Task Consume(ConsumeContext<TenantProvisioningProgressed> context)
    {
        var message = context.Message;
        var entry = new ProvisioningLogEntry { Timestamp = message.Timestamp, Step = message.Step, Outcome = message.Outcome, Message = message.Message };
        return log.AppendAsync(message.TenantId, entry, IProvisioningLog.StepKey(message.TenantId, entry), context.CancellationToken);
    }
}
