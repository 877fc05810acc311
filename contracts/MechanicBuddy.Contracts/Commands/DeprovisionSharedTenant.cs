namespace MechanicBuddy.Contracts;

/// <summary>Saga → SharedTierProvisioner: remove the tenant's route, schema, role and secret from its pool.</summary>
public record DeprovisionSharedTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Pool { get; init; }
}
