namespace MechanicBuddy.Contracts.Http;

/// <summary>Seed: TenantProvisioningResult. Fields fill in as provisioning proceeds; AdminPassword only ever in the answer to the signup itself.</summary>
public record TenantProvisioningResult
{
    public bool Success { get; init; }
    /// <summary>"Provisioning", "Active", "Failed", "Deprovisioning", "Deprovisioned".</summary>
    public required string Status { get; init; }
    public required string TenantId { get; init; }
    public string? CompanyName { get; init; }
    public string? TenantUrl { get; init; }
    public string? ApiUrl { get; init; }
    public string? Namespace { get; init; }
    public string? DeploymentMode { get; init; }
    public string AdminUsername { get; init; } = "admin";
    public string? AdminPassword { get; init; }
    public string? HelmRelease { get; init; }
    public string? SubscriptionTier { get; init; }
    /// <summary>hh:mm:ss.fff from request to the final state (or to now while running).</summary>
    public string? ProvisioningDuration { get; init; }
    public TenantResources? Resources { get; init; }
    public IReadOnlyList<ProvisioningLogEntry> ProvisioningLog { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public string? ErrorMessage { get; init; }
    public string? FailedStep { get; init; }
}
