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
}
