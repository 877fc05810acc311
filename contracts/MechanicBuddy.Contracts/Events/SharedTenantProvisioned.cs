namespace MechanicBuddy.Contracts;

public record SharedTenantProvisioned
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string Pool { get; init; }
    public required string Schema { get; init; }
    public required string TenantUrl { get; init; }
    public required string ApiUrl { get; init; }
    public required string Namespace { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
