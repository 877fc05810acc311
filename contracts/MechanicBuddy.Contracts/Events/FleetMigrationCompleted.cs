namespace MechanicBuddy.Contracts;

/// <summary>Registry → dashboards and billing: a fleet schema rollout ended (every tenant done, stopped by its failure threshold, or aborted).</summary>
public record FleetMigrationCompleted
{
    public required Guid RolloutId { get; init; }
    public required int TargetVersion { get; init; }
    /// <summary>"Completed", "Stopped" (failures passed the threshold) or "Aborted" (an operator).</summary>
    public required string Outcome { get; init; }
    public required int Migrated { get; init; }
    public required int Failed { get; init; }
    /// <summary>Tenants not migrated: left pending by a stop or an abort, or not migratable on their path.</summary>
    public required int NotMigrated { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
