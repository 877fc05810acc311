namespace MechanicBuddy.Contracts;

/// <summary>Gateway → saga: an operator asks for a failed provisioning to be run again.</summary>
public record RetryProvisioning
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
