namespace MechanicBuddy.Contracts;

/// <summary>Registry → dashboards and billing: a fleet schema rollout began.</summary>
public record FleetMigrationStarted
{
    public required Guid RolloutId { get; init; }
    public required int TargetVersion { get; init; }
    public required int Tenants { get; init; }
    public required int Canaries { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
}
