namespace MechanicBuddy.Contracts;

/// <summary>DedicatedProvisioner → saga: the tenant runs with the new tier's shape.</summary>
public record DedicatedTenantResized
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required int TierChange { get; init; }
    public required string NewTier { get; init; }
    /// <summary>What changed, for the tenant's log (instances, replicas, memory, limits).</summary>
    public required string Message { get; init; }
    /// <summary>Non-fatal findings (a deployment not ready in time, a volume kept at its larger size).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public required DateTimeOffset CompletedAt { get; init; }
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}

/// <summary>DedicatedProvisioner → saga: the resize failed; the old tier's shape was put back (RolledBack) or the reason says what is left.</summary>
public record DedicatedTenantResizeFailed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required int TierChange { get; init; }
    public required string Step { get; init; }
    /// <summary>The real error: helm's output, the readiness that timed out, the PostgreSQL error.</summary>
    public required string Reason { get; init; }
    public required bool RolledBack { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
