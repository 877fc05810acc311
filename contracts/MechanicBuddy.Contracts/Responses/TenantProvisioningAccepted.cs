namespace MechanicBuddy.Contracts;

/// <summary>The saga recorded the signup and dispatched it to a worker.</summary>
public record TenantProvisioningAccepted
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string DeploymentMode { get; init; }
    public string? Pool { get; init; }
}
