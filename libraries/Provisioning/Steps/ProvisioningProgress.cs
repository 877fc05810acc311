namespace MechanicBuddy.Provisioning.Steps;

/// <summary>One step's outcome as a worker reports it, before it becomes a progress event.</summary>
public sealed record ProvisioningProgress(string Step, string Outcome, string Message, DateTimeOffset Timestamp)
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Compensated = "compensated";
    /// <summary>The step did not reach its goal but provisioning goes on (the seed's API/Web readiness timeouts).</summary>
    public const string Warning = "warning";
}
