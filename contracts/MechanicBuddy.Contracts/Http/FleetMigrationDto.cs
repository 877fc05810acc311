namespace MechanicBuddy.Contracts.Http;

/// <summary>A fleet schema rollout as it stands: its settings, how many tenants are in each state, and every tenant's outcome.</summary>
public sealed record FleetMigrationDto
{
    public required Guid Id { get; init; }
    public required int TargetVersion { get; init; }
    /// <summary>Running, Paused, Completed, Stopped (failures passed the threshold) or Aborted.</summary>
    public required string State { get; init; }
    public string? StopReason { get; init; }
    public required int CanaryCount { get; init; }
    public required int BatchSize { get; init; }
    public required int MaxConcurrencyPerServer { get; init; }
    public required int FailureThreshold { get; init; }
    public required int LockTimeoutMs { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Tenants per state: Pending, Migrating, Migrated, Failed, Skipped.</summary>
    public required IReadOnlyDictionary<string, int> Counts { get; init; }
    public required IReadOnlyList<FleetMigrationTenantDto> Tenants { get; init; }
}

public sealed record FleetMigrationTenantDto
{
    public required string TenantId { get; init; }
    public required string DeploymentMode { get; init; }
    /// <summary>The database server it migrates on ("pool default"): the unit of the concurrency limit.</summary>
    public required string Server { get; init; }
    public required bool Canary { get; init; }
    public required string State { get; init; }
    public required int Attempt { get; init; }
    public int? FromVersion { get; init; }
    public int? Version { get; init; }
    public long? DurationMs { get; init; }
    public long? LockedMs { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
