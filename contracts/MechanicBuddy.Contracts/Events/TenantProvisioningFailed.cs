namespace MechanicBuddy.Contracts;

/// <summary>Lifecycle event: provisioning failed at Step for Reason; the partial tenant was cleaned up.</summary>
public record TenantProvisioningFailed
{
    public required string TenantId { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string Step { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
}
