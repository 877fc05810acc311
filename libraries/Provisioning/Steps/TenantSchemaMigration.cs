using System.Diagnostics;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// One tenant's step of a fleet rollout, the same on every path: under the tenant's inbox lock (never beside another
/// command of that tenant, in this or another process), the migrator brings the shop to the target as the tenant's own
/// role, and the worker answers with the versions and the time the shop's tables were locked, or with the real error.
/// The answer is recorded before it is published, so a copy of the command (a redelivery after a crash, a resend of an
/// overdue attempt) gets the same answer; a new attempt runs again, and finds the journal where the last one left it.
/// </summary>
public static class TenantSchemaMigration
{
    /// <summary>The crash point after a tenant's migration ran and before its answer is recorded.</summary>
    public const string CrashPoint = "MigrateSchema";

    public static Task RunAsync(ConsumeContext<MigrateTenantSchema> context, ProvisioningInbox inbox, ShopSchemaMigrator migrator, CrashPoints crashPoints,
        TimeProvider clock, ILogger logger, Func<MigrateTenantSchema, CancellationToken, Task<TenantShop>> openShop)
    {
        var command = context.Message;
        TenantIds.Require(command.TenantId);
        return inbox.RunOnceAsync(context, command.TenantId, $"schema-{command.RolloutId:N}-{command.Attempt}", async () =>
        {
            var answer = await MigrateAsync(command, migrator, clock, openShop, context.CancellationToken);
            if (answer is TenantSchemaMigrationFailed failed)
            {
                logger.LogWarning("Schema migration of {TenantId} to {Version} failed at {Script}: {Error}", command.TenantId, command.TargetVersion, failed.Script,
                    failed.Error);
            }
            crashPoints.Reached(CrashPoint);
            return answer is TenantSchemaMigrated done ? RecordedEvent.Of(done) : RecordedEvent.Of((TenantSchemaMigrationFailed)answer);
        });
    }

    static async Task<object> MigrateAsync(MigrateTenantSchema command, ShopSchemaMigrator migrator, TimeProvider clock,
        Func<MigrateTenantSchema, CancellationToken, Task<TenantShop>> openShop, CancellationToken cancellationToken)
    {
        var clockTime = Stopwatch.StartNew();
        try
        {
            var opened = await openShop(command, cancellationToken);
            await using (opened.Lifetime)
            {
                var (shop, schema) = (opened.DataSource, opened.Schema);
                // DbUp blocks; on its own thread it cannot starve the small thread pool of a 2-core host.
                return await Task.Factory.StartNew(() =>
                {
                    try
                    {
                        var run = migrator.MigrateTo(shop, schema, command.TargetVersion, TimeSpan.FromMilliseconds(command.LockTimeoutMs), opened.ActAs);
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
                            postgres is null ? failure.Message : $"{postgres.SqlState}: {postgres.MessageText}", IsBusy(failure.InnerException), clockTime, clock);
                    }
                }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The tenant's database could not be reached (or its login is gone): nothing ran, or what ran is in the journal.
            return Failed(command, version: null, script: null, StepRunner.Describe(ex), IsBusy(ex), clockTime, clock);
        }
    }

    /// <summary>Worth trying again later: the shop held its locks past the timeout, or its database was briefly away (a restart, a failover).</summary>
    static bool IsBusy(Exception? error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } || error is NpgsqlException { IsTransient: true };

    static TenantSchemaMigrationFailed Failed(MigrateTenantSchema command, int? version, string? script, string error, bool busy, Stopwatch clockTime, TimeProvider clock) => new()
    {
        RolloutId = command.RolloutId, TenantId = command.TenantId, DeploymentMode = command.DeploymentMode, Attempt = command.Attempt,
        Version = version, Script = script, Error = error, Busy = busy, DurationMs = clockTime.ElapsedMilliseconds, FailedAt = clock.GetUtcNow(),
    };
}

/// <summary>
/// A tenant's shop as a migration reaches it: a data source with the tenant's rights, its schema, what to dispose
/// afterwards, and — when the login is a stand-in member of the tenant's role — the role the scripts run as.
/// </summary>
public sealed record TenantShop(NpgsqlDataSource DataSource, string Schema, IAsyncDisposable Lifetime, string? ActAs = null);
