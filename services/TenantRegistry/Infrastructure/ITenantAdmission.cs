namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>Decides whether a signup may proceed and, for the shared path, holds a slot in a pool with room.</summary>
public interface ITenantAdmission
{
    /// <summary>The live tenant of the same shop, if there is one other than <paramref name="tenantId"/>.</summary>
    Task<string?> FindLiveDuplicateAsync(string tenantId, string companyName, string ownerEmail, CancellationToken cancellationToken);

    /// <summary>The other live tenant that serves <paramref name="customDomain"/> (compared without case), if there is one.</summary>
    Task<string?> FindLiveDomainOwnerAsync(string tenantId, string customDomain, CancellationToken cancellationToken);

    /// <summary>The other tenant (live or not) that an Idempotency-Key already signed up, if there is one.</summary>
    Task<string?> FindKeyOwnerAsync(string tenantId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Reserves a slot for the tenant in the first pool with room (the same one on a retry); null when all are full.</summary>
    Task<string?> ReserveSharedSlotAsync(string tenantId, CancellationToken cancellationToken);

    Task ReleaseSharedSlotAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Whether a fleet rollout is migrating the tenant's shop schema right now (its side must not change meanwhile).</summary>
    Task<bool> IsMigratingSchemaAsync(string tenantId, CancellationToken cancellationToken);
}
