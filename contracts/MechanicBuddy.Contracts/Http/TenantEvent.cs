namespace MechanicBuddy.Contracts.Http;

/// <summary>One entry of the live feed: a step or lifecycle change of a tenant, with the id to resume after.</summary>
public record TenantEvent
{
    /// <summary>Opaque and ordered: give it back as Last-Event-ID (or ?after=) to continue after this event.</summary>
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required string Step { get; init; }
    public required string Outcome { get; init; }
    public required string Message { get; init; }
}
