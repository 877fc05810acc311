namespace MechanicBuddy.Contracts;

/// <summary>
/// Saga → the worker of <see cref="DeploymentMode"/>: remove one side of the tenant. Shared: route, schema, role and
/// secret from its pool. Dedicated: release and namespace, or its PostgreSQL instance and route. Idempotent.
/// </summary>
public record RemoveTenantSide
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary><see cref="TenantSideRoles.Current"/>, <see cref="TenantSideRoles.Target"/> or <see cref="TenantSideRoles.Retired"/>.</summary>
    public required string Side { get; init; }
    public required string DeploymentMode { get; init; }
    /// <summary>Shared only: the pool the side is in.</summary>
    public string? Pool { get; init; }
    /// <summary>Dedicated only: the side's namespace (and its release on Kubernetes).</summary>
    public string? Namespace { get; init; }
    public string? HelmRelease { get; init; }
    /// <summary>Set when a tier change retires or rolls back this side: the tenant's route belongs to the other side now, so it stays.</summary>
    public bool KeepRoute { get; init; }
}
