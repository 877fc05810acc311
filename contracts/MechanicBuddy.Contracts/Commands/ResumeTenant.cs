namespace MechanicBuddy.Contracts;

/// <summary>Gateway → saga: serve a Suspended tenant again.</summary>
public record ResumeTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
