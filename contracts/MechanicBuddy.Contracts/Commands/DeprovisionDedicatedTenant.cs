namespace MechanicBuddy.Contracts;

/// <summary>Saga → DedicatedProvisioner: remove everything the tenant has of its own (release and namespace, or its PostgreSQL instance and route).</summary>
public record DeprovisionDedicatedTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Namespace { get; init; }
    public string? HelmRelease { get; init; }

    /// <summary>Set when a tier change retires or rolls back this side: the tenant's route belongs to the other side now, so it stays.</summary>
    public bool KeepRoute { get; init; }
}
