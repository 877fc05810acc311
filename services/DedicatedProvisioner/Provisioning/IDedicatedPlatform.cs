using MechanicBuddy.Provisioning.Steps;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>Where dedicated tenants live: a Kubernetes cluster (namespace + Helm release) or this host (a PostgreSQL instance each).</summary>
public interface IDedicatedPlatform
{
    /// <summary>"kubernetes" or "single-host"; recorded on the tenant.</summary>
    string Name { get; }

    /// <summary>Runs every step; a fatal failure removes what was built and is returned, not thrown. Safe to run again for the same tenant.</summary>
    Task<DedicatedProvisioningOutcome> ProvisionAsync(DedicatedTenantPlan plan, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the tenant another dedicated tier's shape where it is (professional ↔ enterprise), no data moved. A failure
    /// puts the old shape back and is returned, not thrown (Compensated: the old shape is verified back). Safe to run again.
    /// </summary>
    Task<DedicatedProvisioningOutcome> ResizeAsync(DedicatedResizePlan plan, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken);

    /// <summary>
    /// Removes everything of the tenant; true once all of it is verified gone. Missing pieces are not errors.
    /// <paramref name="keepRoute"/>: a tier change moved the tenant's route to its other side, so the route stays.
    /// </summary>
    Task<bool> RemoveAsync(string tenantId, bool keepRoute, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken);

    /// <summary>
    /// A control-plane connection to the database holding the tenant's shop schema, for a tier change's data move; and
    /// the role that owns the shop tables there (the one the read-only window shuts out).
    /// </summary>
    Task<TenantDatabaseAccess> OpenDatabaseAsync(string tenantId, string? ns, CancellationToken cancellationToken);

    /// <summary>Suspends (the tenant's hosts answer 503) or resumes it, data untouched; returns what was done, for the tenant's log.</summary>
    Task<string> SetAccessAsync(Contracts.SetTenantAccess command, CancellationToken cancellationToken);
}
