using MechanicBuddy.Contracts.Http;

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

    /// <summary>
    /// The signup's result as the registry records it at this moment (log included), so a Gateway holding the request
    /// open answers from the event instead of reading it back. Additive: billing can ignore it.
    /// </summary>
    public TenantProvisioningResult? Result { get; init; }
}
