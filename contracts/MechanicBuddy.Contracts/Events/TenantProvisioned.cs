namespace MechanicBuddy.Contracts;

/// <summary>Lifecycle event for billing and signup: the tenant is Active.</summary>
public record TenantProvisioned
{
    public required string TenantId { get; init; }
    public required string CompanyName { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string OwnerEmail { get; init; }
    public required string DeploymentMode { get; init; }
    public required string TenantUrl { get; init; }
    public required string ApiUrl { get; init; }
    public required DateTimeOffset ProvisionedAt { get; init; }
}
