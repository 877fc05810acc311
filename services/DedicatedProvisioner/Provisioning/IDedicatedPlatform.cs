using MechanicBuddy.Provisioning.Steps;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>Where dedicated tenants live: a Kubernetes cluster (namespace + Helm release) or this host (a PostgreSQL instance each).</summary>
public interface IDedicatedPlatform
{
    /// <summary>"kubernetes" or "single-host"; recorded on the tenant.</summary>
    string Name { get; }

    /// <summary>Runs every step; a fatal failure removes what was built and is returned, not thrown. Safe to run again for the same tenant.</summary>
    Task<DedicatedProvisioningOutcome> ProvisionAsync(DedicatedTenantPlan plan, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken);

    /// <summary>Removes everything of the tenant; true once all of it is verified gone. Missing pieces are not errors.</summary>
    Task<bool> RemoveAsync(string tenantId, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken);

    /// <summary>Suspends (the tenant's hosts answer 503) or resumes it, data untouched; returns what was done, for the tenant's log.</summary>
    Task<string> SetAccessAsync(Contracts.SetTenantAccess command, CancellationToken cancellationToken);
}
