namespace MechanicBuddy.Contracts;

/// <summary>Worker → saga: the side a <see cref="BuildTenantSide"/> asked for is up (the seed's steps up to the tenant record).</summary>
public record TenantSideBuilt
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The command's side and path, echoed.</summary>
    public required string Side { get; init; }
    public required string DeploymentMode { get; init; }
    /// <summary>The command's TierChange, echoed so the saga can tell a tier change's target from a signup's build.</summary>
    public int TierChange { get; init; }
    /// <summary>Dedicated: "kubernetes" or "single-host"; shared: null.</summary>
    public string? Platform { get; init; }
    /// <summary>Shared: the pool and the tenant's schema in it.</summary>
    public string? Pool { get; init; }
    public string? Schema { get; init; }
    public required string Namespace { get; init; }
    /// <summary>Kubernetes only.</summary>
    public string? HelmRelease { get; init; }
    /// <summary>
    /// The shop schema version the side's database is at (its last migration's number) when the worker migrated it
    /// itself; null where the worker runs no shop migrations (Kubernetes: the release's API does).
    /// </summary>
    public int? SchemaVersion { get; init; }
    public required string TenantUrl { get; init; }
    public required string ApiUrl { get; init; }
    /// <summary>Every host name the tenant is served on (default and custom domain).</summary>
    public IReadOnlyList<string> Hostnames { get; init; } = [];
    /// <summary>Non-fatal findings (API/Web not ready in time, certificate not issued yet).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public required DateTimeOffset CompletedAt { get; init; }
    /// <summary>Every step the worker reported, also sent one by one as <see cref="TenantProvisioningProgressed"/> (logged once, whichever arrives first).</summary>
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
