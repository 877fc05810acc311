namespace MechanicBuddy.Contracts;

/// <summary>
/// Saga → the worker of <see cref="DeploymentMode"/>: build the tenant on that path (a signup's side, or a tier change's
/// target). Shared: a slot in the named pool. Dedicated: infrastructure of its own.
/// </summary>
public record BuildTenantSide
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary><see cref="TenantSideRoles.Current"/> or <see cref="TenantSideRoles.Target"/>.</summary>
    public required string Side { get; init; }
    /// <summary>"shared" or "dedicated": the path, and so the worker that builds it.</summary>
    public required string DeploymentMode { get; init; }
    public required string CompanyName { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string OwnerEmail { get; init; }
    /// <summary>Dedicated only: the shop's own domain.</summary>
    public string? CustomDomain { get; init; }
    public required string AdminPasswordHash { get; init; }
    /// <summary>Shared only: the pool's name (never its connection string: workers resolve it from their own configuration).</summary>
    public string? Pool { get; init; }
    /// <summary>Which provisioning of this tenant this is (1, then one more per operator retry); a redelivered copy carries the same number.</summary>
    public int Attempt { get; init; } = 1;
    /// <summary>Non-zero when this builds the target of the tenant's n-th tier change (kept apart from its signup's attempts).</summary>
    public int TierChange { get; init; }
    /// <summary>
    /// The shop schema version to build at: a tier change's target gets its source's, so the copy lines up (a fleet
    /// rollout brings the tenant up later); null: the newest this worker has.
    /// </summary>
    public int? SchemaVersion { get; init; }
    /// <summary>A tier change's target is built without the tenant's route: the route still serves the source until the switch.</summary>
    public bool WithoutRoute { get; init; }
}
