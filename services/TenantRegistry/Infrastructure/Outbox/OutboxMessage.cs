namespace MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

/// <summary>A message the saga decided to send or publish, stored with the saga's state in the same transaction.</summary>
/// <param name="Destination">A send address ("exchange:provision-shared-tenant"), or null to publish.</param>
/// <param name="MessageType">The contract's full type name; contracts' namespaces are fixed forever.</param>
public sealed record OutboxMessage(Guid Id, string? Destination, string MessageType, string Body);

/// <summary>A saga whose outgoing messages the repository writes to the outbox table in the saga's own transaction.</summary>
public interface IHasOutbox
{
    List<OutboxMessage> PendingMessages { get; }
}
