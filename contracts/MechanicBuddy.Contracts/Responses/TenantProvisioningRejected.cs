namespace MechanicBuddy.Contracts;

/// <summary>The saga refused the signup before anything was built.</summary>
public record TenantProvisioningRejected
{
    public required string TenantId { get; init; }
    /// <summary>"duplicate" (the shop has a live tenant), "capacity" (every shared pool is full) or "key-reused" (an Idempotency-Key sent with a different signup).</summary>
    public required string Code { get; init; }
    public required string Reason { get; init; }
}
