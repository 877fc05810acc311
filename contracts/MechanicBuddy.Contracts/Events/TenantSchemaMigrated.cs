namespace MechanicBuddy.Contracts;

/// <summary>Worker → registry (and dashboards): a tenant's shop schema is at the rollout's version now.</summary>
public record TenantSchemaMigrated
{
    public required Guid RolloutId { get; init; }
    public required string TenantId { get; init; }
    public required string DeploymentMode { get; init; }
    public required int Attempt { get; init; }
    public required int FromVersion { get; init; }
    public required int ToVersion { get; init; }
    public required long DurationMs { get; init; }
    /// <summary>How long the migration's transactions held locks on the shop's tables (a concurrent index build holds none that block writes).</summary>
    public required long LockedMs { get; init; }
    public required DateTimeOffset MigratedAt { get; init; }
}
