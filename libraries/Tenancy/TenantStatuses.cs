namespace MechanicBuddy.Tenancy;

/// <summary>The seed's Tenant.Status values, plus the two transitional ones operators watch.</summary>
public static class TenantStatuses
{
    public const string Provisioning = "Provisioning";
    public const string Active = "Active";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";
    public const string Deprovisioning = "Deprovisioning";
    /// <summary>Provisioning timed out; what was built is being removed before the tenant is Failed.</summary>
    public const string Compensating = "Compensating";
    public const string Deprovisioned = "Deprovisioned";
    /// <summary>The route is being switched to 503 (suspend) or back (resume).</summary>
    public const string Suspending = "Suspending";
    public const string Resuming = "Resuming";

    /// <summary>A tier change, one state per phase; the tenant is still served from its old side until the switch.</summary>
    public const string TierProvisioningTarget = "TierProvisioningTarget";
    public const string TierFreezingSource = "TierFreezingSource";
    public const string TierCopyingData = "TierCopyingData";
    public const string TierVerifyingData = "TierVerifyingData";
    public const string TierSwitchingRoute = "TierSwitchingRoute";
    /// <summary>A tier change failed or timed out: the source is made writable again and the partial target removed.</summary>
    public const string TierRollingBack = "TierRollingBack";
    /// <summary>A dedicated tenant taking another dedicated tier where it is (professional ↔ enterprise), served throughout.</summary>
    public const string TierResizing = "TierResizing";

    public static readonly IReadOnlyList<string> ChangingTier =
        [TierProvisioningTarget, TierFreezingSource, TierCopyingData, TierVerifyingData, TierSwitchingRoute, TierRollingBack, TierResizing];

    /// <summary>Work in progress: what the tenant has is changing, so the drift check does not judge it yet.</summary>
    public static readonly IReadOnlyList<string> Transitional =
        [Provisioning, Compensating, Deprovisioning, Suspending, Resuming, .. ChangingTier];

    /// <summary>States whose deadline ends the work in progress (provisioning, each tier-change phase up to the switch, a resize).</summary>
    public static readonly IReadOnlyList<string> DeadlineEndsWork =
        [Provisioning, TierProvisioningTarget, TierFreezingSource, TierCopyingData, TierVerifyingData, TierSwitchingRoute, TierResizing];

    /// <summary>States whose deadline means a removal is due or overdue: compensation, deprovisioning, a rollback, an old side after its grace period.</summary>
    public static readonly IReadOnlyList<string> DeadlineMeansRemovalDue = [Compensating, Deprovisioning, TierRollingBack, Active, Suspended];

    /// <summary>Every status a tenant can have; a test holds it equal to the state machine's states.</summary>
    public static readonly IReadOnlyList<string> All =
        [Provisioning, Active, Failed, Suspended, Deprovisioning, Compensating, Deprovisioned, Suspending, Resuming, .. ChangingTier];
}
