using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.TenantRegistry.Fleet;
using MechanicBuddy.TenantRegistry.Infrastructure;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.Consumers;

/// <summary>
/// Takes the workers' answers to a rollout's migrations. An answer counts only from the worker of the tenant's path
/// (the exchange it came through, <see cref="WorkerOrigin"/>, and the path the rollout has for the tenant), and only for
/// the attempt the rollout is waiting for.
/// </summary>
public sealed class FleetMigrationAnswersConsumer(FleetMigrationStore store, IOptions<FleetOptions> options)
    : IConsumer<TenantSchemaMigrated>, IConsumer<TenantSchemaMigrationFailed>
{
    public Task Consume(ConsumeContext<TenantSchemaMigrated> context)
    {
        var m = context.Message;
        return WorkerOrigin.IsWorkerOf(context, m.DeploymentMode, nameof(TenantSchemaMigrated))
            ? RecordAsync(context, m.RolloutId, m.TenantId, m.Attempt, new FleetAnswer(m.DeploymentMode, true, false, m.FromVersion, m.ToVersion, m.DurationMs, m.LockedMs, null))
            : Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<TenantSchemaMigrationFailed> context)
    {
        var m = context.Message;
        var error = m.Script is null ? m.Error : $"{m.Script}: {m.Error}";
        return WorkerOrigin.IsWorkerOf(context, m.DeploymentMode, nameof(TenantSchemaMigrationFailed))
            ? RecordAsync(context, m.RolloutId, m.TenantId, m.Attempt, new FleetAnswer(m.DeploymentMode, false, m.Busy, null, m.Version, m.DurationMs, null, error))
            : Task.CompletedTask;
    }

    Task RecordAsync(ConsumeContext context, Guid rolloutId, string tenantId, int attempt, FleetAnswer answer) =>
        store.RecordAsync(rolloutId, tenantId, attempt, answer, options.Value.MaxBusyRetries, TimeSpan.FromSeconds(options.Value.BusyRetrySeconds),
            context.CancellationToken);
}
