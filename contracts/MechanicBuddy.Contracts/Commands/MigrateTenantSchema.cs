namespace MechanicBuddy.Contracts;

/// <summary>
/// Fleet rollout (registry) → the worker of the tenant's path: bring the tenant's shop schema to <see cref="TargetVersion"/>
/// on the tenant's own database, as the tenant's role, a transaction per script. Sent again after a crash or a lost
/// answer: the migration is idempotent (the journal), and one tenant's commands run one at a time in its worker.
/// </summary>
public record MigrateTenantSchema
{
    public required Guid RolloutId { get; init; }
    public required string TenantId { get; init; }
    public required string DeploymentMode { get; init; }
    /// <summary>Shared only: the pool's name (the worker resolves its connection itself).</summary>
    public string? Pool { get; init; }
    /// <summary>Dedicated only: the tenant's namespace (its instance, or its CloudNativePG cluster's -rw service).</summary>
    public string? Namespace { get; init; }
    public required int TargetVersion { get; init; }
    /// <summary>How long a script may wait for a lock on the shop's tables before the tenant is tried again later.</summary>
    public required int LockTimeoutMs { get; init; }
    /// <summary>Which try of this tenant in this rollout (1, then one more per retry); its answer names the same.</summary>
    public required int Attempt { get; init; }
}
