using MechanicBuddy.Contracts.Http;
using Refit;

namespace MechanicBuddy.Gateway.Clients;

/// <summary>The TenantRegistry's query API.</summary>
public interface ITenantRegistryApi
{
    [Get("/api/tenants")]
    Task<IApiResponse<List<TenantDto>>> ListAsync(string? status, int? limit, int? offset, CancellationToken cancellationToken);

    [Get("/api/tenants/{tenantId}")]
    Task<IApiResponse<TenantDto>> GetAsync(string tenantId, CancellationToken cancellationToken);

    [Get("/api/tenants/{tenantId}/log")]
    Task<IApiResponse<List<ProvisioningLogEntry>>> GetLogAsync(string tenantId, CancellationToken cancellationToken);

    [Get("/api/tenants/{tenantId}/provisioning")]
    Task<IApiResponse<TenantProvisioningResult>> GetProvisioningAsync(string tenantId, CancellationToken cancellationToken);
}
