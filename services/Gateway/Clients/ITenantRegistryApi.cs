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

    [Get("/api/fleet/migrations")]
    Task<IApiResponse<List<FleetMigrationDto>>> ListFleetMigrationsAsync(int? limit, CancellationToken cancellationToken);

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

    [Post("/api/audit")]
    Task<IApiResponse<AuditRecord>> AppendAuditAsync([Body] AuditRecord record, CancellationToken cancellationToken);

    /// <summary>Times as ISO 8601 text, so no culture's date format reaches the registry.</summary>
    [Get("/api/audit")]
    Task<IApiResponse<List<AuditRecord>>> GetAuditAsync(string? subject, string? action, string? tenantId, string? outcome, string? since, string? until,
        int? limit, long? after, CancellationToken cancellationToken);

    [Get("/api/events")]
    Task<IApiResponse<List<TenantEvent>>> GetEventsAsync(string? after, string? tenantId, int? limit, CancellationToken cancellationToken, bool? newest = null);
}
