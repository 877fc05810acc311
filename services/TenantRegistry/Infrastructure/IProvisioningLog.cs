using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>The tenant's provisioning log: append-only, each entry at most once per dedup key.</summary>
public interface IProvisioningLog
{
    Task AppendAsync(string tenantId, ProvisioningLogEntry entry, string dedupKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProvisioningLogEntry>> ReadAsync(string tenantId, CancellationToken cancellationToken);
}
