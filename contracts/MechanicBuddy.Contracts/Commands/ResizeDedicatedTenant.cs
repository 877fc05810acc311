namespace MechanicBuddy.Contracts;

/// <summary>
/// Saga → DedicatedProvisioner: give a dedicated tenant another dedicated tier in place (professional ↔ enterprise):
/// the new tier's replicas, memory, PostgreSQL instances and limits on the infrastructure it already has, no data
/// moved. On failure the worker puts the old tier's shape back before it answers. Safe to send again.
/// </summary>
public record ResizeDedicatedTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The tenant's tier-change number; a redelivered or resent copy carries the same one and gets the same answer.</summary>
    public required int TierChange { get; init; }
    public required string OldTier { get; init; }
    public required string NewTier { get; init; }
    /// <summary>The tenant's namespace (Kubernetes) or instance name (single host).</summary>
    public string? Namespace { get; init; }
}
