namespace MechanicBuddy.Contracts;

/// <summary>The saga refused an operator's request (a signup, a tier change) before anything was built or changed.</summary>
public record TenantRequestRejected
{
    public required string TenantId { get; init; }
    /// <summary>Signup: "duplicate" (the shop has a live tenant), "capacity" (every shared pool is full), "key-reused", "domain-taken"; tier change: "tier", "state", "retiring", "capacity", "not-found".</summary>
    public required string Code { get; init; }
    public required string Reason { get; init; }
}
