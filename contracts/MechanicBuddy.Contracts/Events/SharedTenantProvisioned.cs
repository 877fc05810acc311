namespace MechanicBuddy.Contracts;

public record SharedTenantProvisioned
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The command's TierChange, echoed so the saga can tell a tier change's target from a signup's build.</summary>
    public int TierChange { get; init; }
    public required string Pool { get; init; }
    public required string Schema { get; init; }
    public required string TenantUrl { get; init; }
    public required string ApiUrl { get; init; }
    public required string Namespace { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>Every step the worker reported, also sent one by one as <see cref="TenantProvisioningProgressed"/>.</summary>
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
