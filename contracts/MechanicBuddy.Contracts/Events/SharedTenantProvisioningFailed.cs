namespace MechanicBuddy.Contracts;

/// <summary>A shared-tier step failed; everything built before it was removed (Compensated) or is listed in Reason.</summary>
public record SharedTenantProvisioningFailed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The command's TierChange, echoed so the saga can tell a tier change's target from a signup's build.</summary>
    public int TierChange { get; init; }
    public required string Step { get; init; }
    public required string Reason { get; init; }
    public required bool Compensated { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>Every step the worker reported, also sent one by one as <see cref="TenantProvisioningProgressed"/>.</summary>
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
