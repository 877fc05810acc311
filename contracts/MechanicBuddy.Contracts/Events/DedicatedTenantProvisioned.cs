namespace MechanicBuddy.Contracts;

/// <summary>The tenant's own infrastructure is up (the seed's steps 1–7); the saga records it (step 8).</summary>
public record DedicatedTenantProvisioned
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The command's TierChange, echoed so the saga can tell a tier change's target from a signup's build.</summary>
    public int TierChange { get; init; }
    /// <summary>"kubernetes" or "single-host".</summary>
    public required string Platform { get; init; }
    public required string Namespace { get; init; }
    /// <summary>Null on the single-host platform, which has no Helm.</summary>
    public string? HelmRelease { get; init; }
    public required string TenantUrl { get; init; }
    public required string ApiUrl { get; init; }
    /// <summary>Every host name the tenant is served on (default and custom domain).</summary>
    public IReadOnlyList<string> Hostnames { get; init; } = [];
    /// <summary>Non-fatal findings (API/Web not ready in time, certificate not issued yet).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>Every step the worker reported, also sent one by one as <see cref="TenantProvisioningProgressed"/>.</summary>
    public IReadOnlyList<ProvisioningStepRecord> Steps { get; init; } = [];
}
