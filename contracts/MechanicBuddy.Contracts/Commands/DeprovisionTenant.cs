namespace MechanicBuddy.Contracts;

/// <summary>Gateway → saga: remove a tenant and everything it owns.</summary>
public record DeprovisionTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
