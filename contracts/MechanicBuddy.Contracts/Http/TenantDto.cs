namespace MechanicBuddy.Contracts.Http;

/// <summary>Seed: the Tenant entity as the registry's read model serves it.</summary>
public record TenantDto
{
    public required string Id { get; init; }
    public required string CompanyName { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string OwnerEmail { get; init; }
    public string? CustomDomain { get; init; }
    public string? DeploymentMode { get; init; }
    public string? Namespace { get; init; }
    public string? HelmRelease { get; init; }
    /// <summary>Dedicated tenants: "kubernetes" or "single-host".</summary>
    public string? Platform { get; init; }
    public string? TenantUrl { get; init; }
    /// <summary>The shop schema version of the side serving the tenant, as its worker reported it (null: not known to the control plane).</summary>
    public int? SchemaVersion { get; init; }
    public string? ApiUrl { get; init; }
    public required string Status { get; init; }
    public string? Pool { get; init; }
    public string? FailedStep { get; init; }
    public string? FailureReason { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset? ProvisionedAt { get; init; }
    public DateTimeOffset? DeprovisionedAt { get; init; }
    public DateTimeOffset? SuspendedAt { get; init; }
    public string? SuspendReason { get; init; }
    /// <summary>During a tier change: the tier asked for (Status names the phase).</summary>
    public string? TargetTier { get; init; }
    /// <summary>Why the last tier change was rolled back; cleared when the next one starts.</summary>
    public string? TierChangeError { get; init; }
    /// <summary>After a tier change: the old side, kept read-only until <see cref="OldSide.RemoveAt"/>.</summary>
    public OldSide? Retiring { get; init; }

    public record OldSide
    {
        public required string DeploymentMode { get; init; }
        public string? Platform { get; init; }
        public string? Pool { get; init; }
        public string? Namespace { get; init; }
        public DateTimeOffset? RemoveAt { get; init; }
    }
}
