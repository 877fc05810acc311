using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.Contracts;

/// <summary>Lifecycle event: provisioning failed at Step for Reason; the partial tenant was cleaned up.</summary>
public record TenantProvisioningFailed
{
    public required string TenantId { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string Step { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>The signup's result at this moment (log included), for a Gateway holding the request open; see <see cref="TenantProvisioned.Result"/>.</summary>
    public TenantProvisioningResult? Result { get; init; }
}
