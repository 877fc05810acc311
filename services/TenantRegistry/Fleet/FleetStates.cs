namespace MechanicBuddy.TenantRegistry.Fleet;

/// <summary>The states of a fleet rollout and of each tenant in it (the values of fleet_migrations.state and fleet_migration_tenants.state).</summary>
public static class FleetStates
{
    public const string Running = "Running";
    public const string Paused = "Paused";
    public const string Completed = "Completed";
    /// <summary>Failures passed the rollout's threshold; retrying a failed tenant lets it go on.</summary>
    public const string Stopped = "Stopped";
    public const string Aborted = "Aborted";

    public const string Pending = "Pending";
    public const string Migrating = "Migrating";
    public const string Migrated = "Migrated";
    public const string Failed = "Failed";
    /// <summary>Not migratable: its path has no fleet migration yet, or the tenant was removed meanwhile.</summary>
    public const string Skipped = "Skipped";

    /// <summary>A rollout not yet over: it still holds (or may again hold, after a retry) tenants of the fleet's servers.</summary>
    public static readonly IReadOnlyList<string> Unfinished = [Running, Paused, Stopped];

    public static readonly IReadOnlyList<string> TenantStates = [Pending, Migrating, Migrated, Failed, Skipped];
}
