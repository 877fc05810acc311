namespace MechanicBuddy.Contracts;

/// <summary>
/// The registry's deadline watcher: the tenant's current step (provisioning, a tier-change phase, a resize) has run past
/// its deadline (sent again until the saga moves on).
/// </summary>
public record TenantDeadlinePassed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset DeadlineAt { get; init; }
}
