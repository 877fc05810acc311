namespace MechanicBuddy.Contracts;

/// <summary>
/// Gateway → saga (request/response): move an Active tenant to another tier. Between the shared and the dedicated
/// path this builds the target, moves the data under a read-only window, proves it, switches the route and retires
/// the source after a grace period. Answered by <see cref="TenantTierChangeAccepted"/> or <see cref="TenantRequestRejected"/>.
/// </summary>
public record ChangeTenantTier
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string NewTier { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
