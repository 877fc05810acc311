namespace MechanicBuddy.Contracts;

/// <summary>Saga → SharedTierProvisioner: remove the tenant's route, schema, role and secret from its pool.</summary>
public record DeprovisionSharedTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Pool { get; init; }

    /// <summary>Set when a tier change retires or rolls back this side: the tenant's route belongs to the other side now, so it stays.</summary>
    public bool KeepRoute { get; init; }
}
