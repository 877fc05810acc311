namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

public abstract record DedicatedProvisioningOutcome
{
    public sealed record Succeeded(string? HelmRelease, IReadOnlyList<string> Warnings) : DedicatedProvisioningOutcome;
    public sealed record Failed(string Step, string Reason, bool Compensated) : DedicatedProvisioningOutcome;
}
