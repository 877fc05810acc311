namespace MechanicBuddy.Contracts;

public record TenantDeprovisioned
{
    public required string TenantId { get; init; }
    public required string DeploymentMode { get; init; }
    public required DateTimeOffset DeprovisionedAt { get; init; }
}
