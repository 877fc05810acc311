namespace MechanicBuddy.Contracts;

/// <summary>The saga refused the signup before anything was built.</summary>
public record TenantProvisioningRejected
{
    public required string TenantId { get; init; }
    /// <summary>"duplicate" (the shop already has a tenant) or "capacity" (no shared pool has room).</summary>
    public required string Code { get; init; }
    public required string Reason { get; init; }
}
