namespace MechanicBuddy.SharedTierProvisioner.Provisioning;

public sealed record ProvisioningProgress(string Step, string Outcome, string Message, DateTimeOffset Timestamp)
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Compensated = "compensated";
}

public abstract record SharedProvisioningOutcome
{
    public sealed record Succeeded(string TenantUrl, string ApiUrl, string Schema) : SharedProvisioningOutcome;
    public sealed record Failed(string Step, string Reason, bool Compensated) : SharedProvisioningOutcome;
}
