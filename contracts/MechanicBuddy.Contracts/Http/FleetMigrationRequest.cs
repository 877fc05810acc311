namespace MechanicBuddy.Contracts.Http;

/// <summary><c>POST /api/fleet/migrations</c>: roll a shop schema version out to the selected tenants.</summary>
public sealed record FleetMigrationRequest
{
    /// <summary>The version to bring tenants to; the newest this build has when omitted.</summary>
    public int? TargetVersion { get; init; }
    /// <summary>Which tenants (all of each list that is given must match); every tenant below the target when omitted.</summary>
    public FleetSelection? Selection { get; init; }
    /// <summary>Tenants migrated first, one after another; the rest wait until every canary succeeded. Default 1.</summary>
    public int? CanaryCount { get; init; }
    /// <summary>Tenants started per wave once the canaries are through. Default 10.</summary>
    public int? BatchSize { get; init; }
    /// <summary>At most this many migrations at once on one database server (a pool, an instance). Default 4.</summary>
    public int? MaxConcurrencyPerServer { get; init; }
    /// <summary>The rollout stops by itself once more tenants than this have failed. Default 0: the first failure stops it.</summary>
    public int? FailureThreshold { get; init; }
    /// <summary>How long a script may wait for a busy shop's locks before that tenant is tried again later. Default 2000 ms.</summary>
    public int? LockTimeoutMs { get; init; }
}

public sealed record FleetSelection
{
    public IReadOnlyList<string>? Tiers { get; init; }
    public IReadOnlyList<string>? Pools { get; init; }
    /// <summary>"shared" or "dedicated".</summary>
    public IReadOnlyList<string>? DeploymentModes { get; init; }
    public IReadOnlyList<string>? TenantIds { get; init; }
}
