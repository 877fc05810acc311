namespace MechanicBuddy.SharedTierProvisioner.Provisioning;

public abstract record SharedProvisioningOutcome
{
    public sealed record Succeeded(string TenantUrl, string ApiUrl, string Schema) : SharedProvisioningOutcome;
    public sealed record Failed(string Step, string Reason, bool Compensated) : SharedProvisioningOutcome;
}
