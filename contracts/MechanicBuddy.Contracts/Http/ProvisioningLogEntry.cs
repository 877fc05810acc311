namespace MechanicBuddy.Contracts.Http;

public record ProvisioningLogEntry
{
    public required DateTimeOffset Timestamp { get; init; }
    public required string Step { get; init; }
    public required string Outcome { get; init; }
    public required string Message { get; init; }
}
