namespace MechanicBuddy.Contracts;

/// <summary>
/// The registry's deadline watcher: a removal (compensation or deprovisioning) sent to a worker has not been confirmed
/// by its deadline; the saga sends it again (removal is idempotent) and sets a new deadline.
/// </summary>
public record TenantRemovalOverdue
{
    public required Guid CorrelationId { get; init; }
    public required string TenantId { get; init; }
    public required string State { get; init; }
    public required DateTimeOffset DeadlineAt { get; init; }
}
