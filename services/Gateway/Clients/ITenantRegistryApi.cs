using MechanicBuddy.Contracts.Http;
using Refit;

namespace MechanicBuddy.Gateway.Clients;

/// <summary>The TenantRegistry's query API.</summary>
public interface ITenantRegistryApi
{
    [Get("/api/tenants")]
    Task<IApiResponse<List<TenantDto>>> ListAsync([Query] TenantListQuery query, CancellationToken cancellationToken);

    [Get("/api/tenants/{tenantId}")]
    Task<IApiResponse<TenantDto>> GetAsync(string tenantId, CancellationToken cancellationToken);

    [Get("/api/tenants/{tenantId}/log")]
    Task<IApiResponse<List<ProvisioningLogEntry>>> GetLogAsync(string tenantId, CancellationToken cancellationToken);

    [Get("/api/tenants/{tenantId}/provisioning")]
    Task<IApiResponse<TenantProvisioningResult>> GetProvisioningAsync(string tenantId, CancellationToken cancellationToken);

    [Post("/api/fleet/migrations")]
    Task<IApiResponse<FleetMigrationDto>> StartFleetMigrationAsync([Body] FleetMigrationRequest request, CancellationToken cancellationToken);

    [Get("/api/fleet/migrations/{id}")]
    Task<IApiResponse<FleetMigrationDto>> GetFleetMigrationAsync(Guid id, CancellationToken cancellationToken);

    /// <summary><paramref name="action"/>: pause, resume or abort.</summary>
    [Post("/api/fleet/migrations/{id}/{action}")]
    Task<IApiResponse<FleetMigrationDto>> ChangeFleetMigrationAsync(Guid id, string action, CancellationToken cancellationToken);

    [Post("/api/fleet/migrations/{id}/tenants/{tenantId}/retry")]
    Task<IApiResponse<FleetMigrationDto>> RetryFleetMigrationTenantAsync(Guid id, string tenantId, CancellationToken cancellationToken);

    [Get("/api/pools")]
    Task<IApiResponse<SharedPoolsReport>> GetPoolsAsync(CancellationToken cancellationToken);

    /// <summary><paramref name="action"/>: drain or undrain.</summary>
    [Post("/api/pools/{name}/{action}")]
    Task<IApiResponse<SharedPoolDto>> ChangePoolAsync(string name, string action, CancellationToken cancellationToken);
}
