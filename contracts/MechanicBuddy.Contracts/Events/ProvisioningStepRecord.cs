namespace MechanicBuddy.Contracts;

/// <summary>One step's outcome as a worker reported it; completion and failure events repeat them so the log is whole when the state changes.</summary>
public record ProvisioningStepRecord
{
    public required string Step { get; init; }
    public required string Outcome { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
}
