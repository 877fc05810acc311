using MechanicBuddy.Tenancy;
using System.Collections.Concurrent;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.TenantRegistry.Infrastructure;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>Admission with an in-memory pool of fixed capacity and a list of live shops.</summary>
public sealed class FakeAdmission(int capacity = 100) : ITenantAdmission
{
    public ConcurrentDictionary<string, string> Slots { get; } = new();
    public ConcurrentDictionary<(string, string), string> LiveShops { get; } = new();

    public Task<string?> FindLiveDuplicateAsync(string tenantId, string companyName, string ownerEmail, CancellationToken cancellationToken) =>
        Task.FromResult(LiveShops.TryGetValue((ShopKeys.Company(companyName), ShopKeys.Email(ownerEmail)), out var other) && other != tenantId ? other : null);

    /// <summary>Live custom domains and used Idempotency-Keys, each with its tenant.</summary>
    public ConcurrentDictionary<string, string> Domains { get; } = new();
    public ConcurrentDictionary<string, string> Keys { get; } = new();

    public Task<string?> FindLiveDomainOwnerAsync(string tenantId, string customDomain, CancellationToken cancellationToken) =>
        Task.FromResult(Domains.TryGetValue(customDomain.ToLowerInvariant(), out var other) && other != tenantId ? other : null);

    public Task<string?> FindKeyOwnerAsync(string tenantId, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult(Keys.TryGetValue(idempotencyKey, out var other) && other != tenantId ? other : null);

    public Task<string?> ReserveSharedSlotAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (Slots)
        {
            if (Slots.ContainsKey(tenantId) || Slots.Count < capacity)
            {
                Slots[tenantId] = "default";
                return Task.FromResult<string?>("default");
            }
            return Task.FromResult<string?>(null);
        }
    }

    public Task ReleaseSharedSlotAsync(string tenantId, CancellationToken cancellationToken)
    {
        Slots.TryRemove(tenantId, out _);
        return Task.CompletedTask;
    }

    /// <summary>Tenants a fleet rollout is migrating.</summary>
    public ConcurrentDictionary<string, bool> Migrating { get; } = new();

    public Task<bool> IsMigratingSchemaAsync(string tenantId, CancellationToken cancellationToken) => Task.FromResult(Migrating.ContainsKey(tenantId));
}

public sealed class FakeLog : IProvisioningLog
{
    public ConcurrentQueue<(string TenantId, ProvisioningLogEntry Entry)> Entries { get; } = new();

    public Task AppendAsync(string tenantId, IReadOnlyList<(ProvisioningLogEntry Entry, string DedupKey)> entries, CancellationToken cancellationToken)
    {
        foreach (var (entry, _) in entries)
        {
            Entries.Enqueue((tenantId, entry));
        }
        return Task.CompletedTask;
    }

    /// <summary>Waits (up to 5 s) for an entry the saga writes after a message it consumed, since consuming ends before the saga's activities do.</summary>
    public async Task<bool> WaitForAsync(Func<ProvisioningLogEntry, bool> match)
    {
        for (var waited = 0; waited < 5000; waited += 20)
        {
            if (Entries.Any(e => match(e.Entry)))
            {
                return true;
            }
            await Task.Delay(20);
        }
        return false;
    }

    public Task<IReadOnlyList<ProvisioningLogEntry>> ReadAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProvisioningLogEntry>>(Entries.Where(e => e.TenantId == tenantId).Select(e => e.Entry).ToList());
}
