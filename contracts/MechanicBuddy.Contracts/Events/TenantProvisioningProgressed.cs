namespace MechanicBuddy.Contracts;

/// <summary>A worker finished, failed or compensated one step; the registry appends it to the tenant's provisioning log.</summary>
public record TenantProvisioningProgressed
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Step { get; init; }
    /// <summary>"completed", "failed" or "compensated".</summary>
    public required string Outcome { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
}
