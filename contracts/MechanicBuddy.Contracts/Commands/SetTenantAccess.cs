namespace MechanicBuddy.Contracts;

/// <summary>
/// Saga → the worker of the tenant's path: make the tenant's route serve it (Suspended false) or answer 503 (true).
/// Idempotent: the route is brought to the wanted state whatever it was.
/// </summary>
public record SetTenantAccess
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required bool Suspended { get; init; }
    /// <summary>A dedicated tenant's custom domain, served by the same route.</summary>
    public string? CustomDomain { get; init; }
    /// <summary>The tenant's tier: how many API and Web replicas a resumed Kubernetes tenant gets back.</summary>
    public string? SubscriptionTier { get; init; }
    /// <summary>A dedicated tenant's namespace (Kubernetes platform).</summary>
    public string? Namespace { get; init; }
}
