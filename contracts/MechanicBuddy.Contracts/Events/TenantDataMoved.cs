namespace MechanicBuddy.Contracts;

/// <summary>DedicatedProvisioner → saga: a data-move phase finished.</summary>
public record TenantDataMoved
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required int TierChange { get; init; }
    public required string Phase { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}

/// <summary>DedicatedProvisioner → saga: a data-move phase failed (for verify: which tables differ); the saga rolls back.</summary>
public record TenantDataMoveFailed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required int TierChange { get; init; }
    public required string Phase { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
}
