namespace MechanicBuddy.Contracts;

/// <summary>Worker → saga: the tenant's route now serves it (Suspended false) or answers 503 (true).</summary>
public record TenantAccessSet
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required bool Suspended { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}

/// <summary>Worker → saga: the route could not be changed; it is as it was.</summary>
public record TenantAccessFailed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required bool Suspended { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
}
