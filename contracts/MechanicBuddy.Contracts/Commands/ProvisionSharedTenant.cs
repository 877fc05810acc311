namespace MechanicBuddy.Contracts;

/// <summary>Saga → SharedTierProvisioner: build the tenant's slot in the named shared pool.</summary>
public record ProvisionSharedTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string CompanyName { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string OwnerEmail { get; init; }
    public required string AdminPasswordHash { get; init; }
    /// <summary>Name of the shared pool (never its connection string: workers resolve it from their own configuration).</summary>
    public required string Pool { get; init; }
}
