namespace MechanicBuddy.Contracts;

/// <summary>The phases of a tier change's data move, each its own command so the saga records and times each one.</summary>
public static class TenantDataPhases
{
    /// <summary>The source refuses writes (with a clear error) until unfrozen or removed.</summary>
    public const string Freeze = "freeze";
    /// <summary>Every shop table copied from source to target under one snapshot.</summary>
    public const string Copy = "copy";
    /// <summary>Per-table row counts and checksums compared on both sides.</summary>
    public const string Verify = "verify";
    /// <summary>Rollback: the source accepts writes again.</summary>
    public const string Unfreeze = "unfreeze";

    public static readonly IReadOnlyList<string> All = [Freeze, Copy, Verify, Unfreeze];
}

/// <summary>Where a tenant's shop data lives: a shared pool's schema, or its own dedicated database.</summary>
public record TenantDataLocation
{
    /// <summary>"shared" or "dedicated".</summary>
    public required string DeploymentMode { get; init; }
    /// <summary>Shared: the pool's name (the worker resolves its connection from its own configuration).</summary>
    public string? Pool { get; init; }
    /// <summary>Dedicated on Kubernetes: the namespace whose CloudNativePG cluster holds the data.</summary>
    public string? Namespace { get; init; }
}

/// <summary>
/// Saga → DedicatedProvisioner (it reaches both the shared pools and the tenants' own databases): run one phase of a
/// tier change's data move. <see cref="TierChange"/> numbers the tenant's tier changes, so a copy of an older change's
/// command is recognised and never runs against a newer one.
/// </summary>
public record MoveTenantData
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required int TierChange { get; init; }
    public required string Phase { get; init; }
    public required TenantDataLocation Source { get; init; }
    public TenantDataLocation? Target { get; init; }
}
