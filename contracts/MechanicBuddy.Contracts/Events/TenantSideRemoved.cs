namespace MechanicBuddy.Contracts;

/// <summary>Worker → saga: everything of the side a <see cref="RemoveTenantSide"/> named is verified gone.</summary>
public record TenantSideRemoved
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Side { get; init; }
    public required string DeploymentMode { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
