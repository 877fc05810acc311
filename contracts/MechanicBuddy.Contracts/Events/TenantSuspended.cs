namespace MechanicBuddy.Contracts;

/// <summary>Lifecycle (billing, ops): the tenant is no longer served; its data is kept.</summary>
public record TenantSuspended
{
    public required string TenantId { get; init; }
    public string? Reason { get; init; }
    public required DateTimeOffset SuspendedAt { get; init; }
}

/// <summary>Lifecycle (billing, ops): a suspended tenant is served again.</summary>
public record TenantResumed
{
    public required string TenantId { get; init; }
    public required DateTimeOffset ResumedAt { get; init; }
}
