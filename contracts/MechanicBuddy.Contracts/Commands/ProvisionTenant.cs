namespace MechanicBuddy.Contracts;

/// <summary>A validated signup, sent by the Gateway to the provisioning saga. Carries only the admin's password hash.</summary>
public record ProvisionTenant
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string CompanyName { get; init; }
    public required string SubscriptionTier { get; init; }
    public required string OwnerEmail { get; init; }
    public string? CustomDomain { get; init; }
    public required string AdminPasswordHash { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    /// <summary>The Gateway's keyed hash of the signup's Idempotency-Key (never the key itself); null without one. A key belongs to one signup.</summary>
    public string? IdempotencyKey { get; init; }
}
