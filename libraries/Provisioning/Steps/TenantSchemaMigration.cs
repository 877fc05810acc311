using System.Diagnostics;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// One tenant's step of a fleet rollout, the same on every path: under the tenant's inbox lock (never beside another
/// command of that tenant, in this or another process), the migrator brings the shop to the target as the tenant's own
/// role, and the worker answers with the versions and the time the shop's tables were locked, or with the real error.
/// A copy delivered twice finds the journal current and answers the same.
/// </summary>
public static class TenantSchemaMigration
{
    public static async Task RunAsync(ConsumeContext<MigrateTenantSchema> context, ProvisioningInbox inbox, ShopSchemaMigrator migrator, TimeProvider clock,
        ILogger logger, Func<MigrateTenantSchema, CancellationToken, Task<(NpgsqlDataSource Shop, string Schema)>> openShop)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        using var held = await inbox.EnterAsync(command.TenantId, context.CancellationToken);
        var clockTime = Stopwatch.StartNew();
        object answer;
        try
        {
            var (shop, schema) = await openShop(command, context.CancellationToken);
            await using (shop)
            {
                // DbUp blocks; on its own thread it cannot starve the small thread pool of a 2-core host.
                answer = await Task.Factory.StartNew(() =>
                {
                    try
                    {
                        var run = migrator.MigrateTo(shop, schema, command.TargetVersion, TimeSpan.FromMilliseconds(command.LockTimeoutMs));
                        return (object)new TenantSchemaMigrated
                        {
                            RolloutId = command.RolloutId, TenantId = command.TenantId, DeploymentMode = command.DeploymentMode, Attempt = command.Attempt,
                            FromVersion = run.FromVersion, ToVersion = run.ToVersion, DurationMs = clockTime.ElapsedMilliseconds,
                            LockedMs = (long)run.LockedFor.TotalMilliseconds, MigratedAt = clock.GetUtcNow(),
                        };
                    }
                    catch (ShopMigrationException failure)
                    {
                        var postgres = failure.InnerException as PostgresException;
                        return Failed(command, failure.Partial?.ToVersion ?? migrator.VersionOf(shop, schema), failure.Script,
                            postgres is null ? failure.Message : $"{postgres.SqlState}: {postgres.MessageText}",
                            postgres?.SqlState == PostgresErrorCodes.LockNotAvailable, clockTime, clock);
                    }
                }, context.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            // The tenant's database could not be reached (or its login is gone): nothing ran.
            answer = Failed(command, version: null, script: null, StepRunner.Describe(ex), busy: false, clockTime, clock);
        }
        if (answer is TenantSchemaMigrationFailed failed)
        {
            logger.LogWarning("Schema migration of {TenantId} to {Version} failed at {Script}: {Error}", command.TenantId, command.TargetVersion, failed.Script, failed.Error);
        }
        await context.PublishBoundedAsync(answer, answer.GetType(), context.CancellationToken);
    }

    static TenantSchemaMigrationFailed Failed(MigrateTenantSchema command, int? version, string? script, string error, bool busy, Stopwatch clockTime, TimeProvider clock) => new()
    {
        RolloutId = command.RolloutId, TenantId = command.TenantId, DeploymentMode = command.DeploymentMode, Attempt = command.Attempt,
        Version = version, Script = script, Error = error, Busy = busy, DurationMs = clockTime.ElapsedMilliseconds, FailedAt = clock.GetUtcNow(),
    };
}
