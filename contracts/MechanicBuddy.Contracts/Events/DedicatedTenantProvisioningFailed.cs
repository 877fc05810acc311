namespace MechanicBuddy.Contracts;

/// <summary>A dedicated step failed for good; what it had built was removed (Compensated) or is listed in Reason.</summary>
public record DedicatedTenantProvisioningFailed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The command's TierChange, echoed so the saga can tell a tier change's target from a signup's build.</summary>
    public int TierChange { get; init; }
    public required string Step { get; init; }
    /// <summary>The real error: helm's own output, the readiness that timed out, the PostgreSQL error.</summary>
    public required string Reason { get; init; }
    public required bool Compensated { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
