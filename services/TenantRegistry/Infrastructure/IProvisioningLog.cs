using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>The tenant's provisioning log: append-only, each entry at most once per dedup key.</summary>
public interface IProvisioningLog
{
    Task AppendAsync(string tenantId, ProvisioningLogEntry entry, string dedupKey, CancellationToken cancellationToken) =>
        AppendAsync(tenantId, [(entry, dedupKey)], cancellationToken);

    /// <summary>Several entries in one round trip.</summary>
    Task AppendAsync(string tenantId, IReadOnlyList<(ProvisioningLogEntry Entry, string DedupKey)> entries, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProvisioningLogEntry>> ReadAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// The key of a worker's step entry, the same whether it arrives as a progress event or inside the completion
    /// event, so it is logged once whichever comes first.
    /// </summary>
    static string StepKey(string tenantId, ProvisioningLogEntry entry) =>
        $"step:{tenantId}:{entry.Step}:{entry.Outcome}:{entry.Timestamp.UtcTicks}";
}
