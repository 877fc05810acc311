namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

public abstract record DedicatedProvisioningOutcome
{
    /// <param name="SchemaVersion">The shop schema version the worker migrated the database to; null where it runs no shop migrations (Kubernetes).</param>
    public sealed record Succeeded(string? HelmRelease, IReadOnlyList<string> Warnings, int? SchemaVersion = null) : DedicatedProvisioningOutcome;
    public sealed record Failed(string Step, string Reason, bool Compensated) : DedicatedProvisioningOutcome;
}
