namespace MechanicBuddy.Contracts;

/// <summary>Gateway → saga: stop serving an Active tenant (its route answers 503); its data stays untouched.</summary>
public record SuspendTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public string? Reason { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
