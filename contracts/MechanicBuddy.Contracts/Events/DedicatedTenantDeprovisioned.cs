namespace MechanicBuddy.Contracts;

public record DedicatedTenantDeprovisioned
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
