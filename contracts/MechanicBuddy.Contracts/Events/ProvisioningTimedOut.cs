namespace MechanicBuddy.Contracts;

/// <summary>The registry's deadline watcher: this tenant has been provisioning past its limit (sent again until the saga moves on).</summary>
public record ProvisioningTimedOut
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset DeadlineAt { get; init; }
}
