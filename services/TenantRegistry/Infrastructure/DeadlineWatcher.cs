using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>
/// Timeouts without a delayed-message plugin: deadlines live in the saga table (deadline_at), and this watcher tells the
/// saga about every provisioning or tier-change phase past its deadline, about every removal (compensation,
/// deprovisioning, rollback) a worker has not confirmed in time, and about the old side of a tier change whose grace
/// period is over. It repeats itself each round until the saga has moved on, so a
/// lost message or a registry restart only delays the timeout by a round; the saga handles the first and ignores the rest.
/// </summary>
public sealed class DeadlineWatcher(NpgsqlDataSource registry, IBus bus, IOptions<ProvisioningOptions> options, ILogger<DeadlineWatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.Timeouts.CheckIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A round that cannot finish (broker away) is abandoned and repeated, never left hanging.
                using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                round.CancelAfter(TimeSpan.FromSeconds(30));
                await PublishExpiredAsync(round.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Deadline check failed; trying again in {Interval}", interval);
            }
            await Task.Delay(interval, stoppingToken);
        }
    }

    static readonly IReadOnlyList<string> BuildingStates = TenantStatuses.DeadlineEndsWork;
    static readonly IReadOnlyList<string> RemovalStates = TenantStatuses.DeadlineMeansRemovalDue;

    static readonly string[] WatchedStates = [.. BuildingStates, .. RemovalStates];

    public async Task<int> PublishExpiredAsync(CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            "SELECT correlation_id, tenant_id, deadline_at, current_state FROM tenant_sagas WHERE current_state = ANY(@states) AND deadline_at < now() LIMIT 500");
        command.Parameters.AddWithValue("states", WatchedStates);
        var expired = new List<(Guid CorrelationId, string TenantId, DateTimeOffset DeadlineAt, string State)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3)));
            }
        }
        foreach (var (correlationId, tenantId, deadlineAt, state) in expired)
        {
            if (BuildingStates.Contains(state))
            {
                logger.LogWarning("Tenant {TenantId} ({State}) passed its deadline {Deadline}", tenantId, state, deadlineAt);
                await bus.Publish(new TenantDeadlinePassed { CorrelationId = correlationId, TenantId = tenantId, DeadlineAt = deadlineAt }, cancellationToken);
            }
            else
            {
                logger.LogWarning("Tenant {TenantId} ({State}): removal not confirmed by {Deadline}", tenantId, state, deadlineAt);
                await bus.Publish(new TenantRemovalOverdue { CorrelationId = correlationId, TenantId = tenantId, State = state, DeadlineAt = deadlineAt }, cancellationToken);
            }
        }
        return expired.Count;
    }
}
