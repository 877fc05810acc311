namespace MechanicBuddy.Contracts.Http;

/// <summary>The signup body of <c>POST /api/provisioning/provision</c> (seed: TenantProvisioningRequest).</summary>
public record TenantProvisioningRequest
{
    public string? CompanyName { get; init; }
    public string? SubscriptionTier { get; init; }
    public string? OwnerEmail { get; init; }
    public string? CustomDomain { get; init; }
}
