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

    /// <summary>Which provisioning of this tenant this is (1, then one more per operator retry); a redelivered copy carries the same number.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Non-zero when this builds the target of the tenant's n-th tier change (kept apart from its signup's attempts).</summary>
    public int TierChange { get; init; }

    /// <summary>A tier change's target is built without the tenant's route: the route still serves the source until the switch.</summary>
    public bool WithoutRoute { get; init; }
}
