namespace MechanicBuddy.Contracts;

/// <summary>Worker → saga: a step of a <see cref="BuildTenantSide"/> failed for good; what it had built was removed (Compensated) or is named in Reason.</summary>
public record TenantSideBuildFailed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Side { get; init; }
    public required string DeploymentMode { get; init; }
    public int TierChange { get; init; }
    public required string Step { get; init; }
    /// <summary>The real error: the PostgreSQL error, helm's own output, the readiness that timed out.</summary>
    public required string Reason { get; init; }
    public required bool Compensated { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
    /// <summary>Every step the worker reported (see <see cref="TenantSideBuilt.Steps"/>).</summary>
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
