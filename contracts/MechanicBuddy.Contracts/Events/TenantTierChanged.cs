namespace MechanicBuddy.Contracts;

/// <summary>Lifecycle (billing): the tenant is now served on its new tier.</summary>
public record TenantTierChanged
{
    public required string TenantId { get; init; }
    public required string OldTier { get; init; }
    public required string NewTier { get; init; }
    public required string DeploymentMode { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>Lifecycle (ops): a tier change failed or timed out and was rolled back; the tenant is served on its old tier.</summary>
public record TenantTierChangeRolledBack
{
    public required string TenantId { get; init; }
    public required string OldTier { get; init; }
    public required string NewTier { get; init; }
    public required string Phase { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset RolledBackAt { get; init; }
}

/// <summary>Progress (ops dashboards): one per phase of a tier change as the registry records it, the same entry as in the tenant's log.</summary>
public record TenantTierChangeProgressed
{
    public required string TenantId { get; init; }
    public required int TierChange { get; init; }
    public required string NewTier { get; init; }
    /// <summary>TierChange (started / completed / failed), TierTargetReady, TierFreeze, TierCopy, TierVerify, TierSwitchRoute, TierRollback.</summary>
    public required string Phase { get; init; }
    public required string Outcome { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
}
