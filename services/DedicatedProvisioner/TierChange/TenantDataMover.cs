using System.Diagnostics;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.DedicatedProvisioner.TierChange;

/// <summary>A verify found the target different from the source; not transient, so never retried.</summary>
public sealed class TenantDataMismatchException(IReadOnlyList<string> differences)
    : Exception($"target differs from source: {string.Join("; ", differences)}");

/// <summary>
/// The data phases of a tier change, run where both sides are reachable: this worker knows the shared pools (from
/// Provisioning:FreeTier, like the shared worker) and the tenants' own databases (its platform). Each phase is
/// idempotent: freeze and unfreeze converge, copy empties the target first, verify only reads.
/// </summary>
public sealed class TenantDataMover(IDedicatedPlatform platform, IOptions<ProvisioningOptions> provisioning, ShopSchemaMigrator migrator,
    IOptions<FaultInjectionOptions> faults)
{
    TimeSpan LockTimeout => TimeSpan.FromSeconds(provisioning.Value.TierChange.FreezeLockTimeoutSeconds);

    /// <summary>Runs the command's phase; returns what was done, for the tenant's log.</summary>
    public async Task<string> RunAsync(MoveTenantData command, CancellationToken cancellationToken)
    {
        var tenantId = TenantIds.Require(command.TenantId);
        var message = await TransientRetry.RunAsync(() => command.Phase switch
        {
            TenantDataPhases.Freeze => FreezeAsync(tenantId, command.Source, cancellationToken),
            TenantDataPhases.Unfreeze => UnfreezeAsync(tenantId, command.Source, cancellationToken),
            TenantDataPhases.Copy => CopyAsync(tenantId, command.Source, Require(command.Target), cancellationToken),
            TenantDataPhases.Verify => VerifyAsync(tenantId, command.Source, Require(command.Target), cancellationToken),
            _ => throw new ArgumentException($"unknown data phase '{command.Phase}'", nameof(command)),
        }, cancellationToken);
        faults.Value.AfterStep(StepName(command.Phase));
        return message;
    }

    /// <summary>The phase's name as a step (fault injection, crash points): "MoveData.copy".</summary>
    public static string StepName(string phase) => $"MoveData.{phase}";

    static TenantDataLocation Require(TenantDataLocation? target) => target ?? throw new ArgumentException("the phase needs a target");

    async Task<string> FreezeAsync(string tenantId, TenantDataLocation source, CancellationToken cancellationToken)
    {
        await using var database = await OpenAsync(tenantId, source, cancellationToken);
        await TenantWriteFreeze.FreezeAsync(database.Admin, database.Schema, database.OwnerRole, LockTimeout, cancellationToken);
        return $"{database.Description}: every shop table read-only (writes refused with SQLSTATE {TenantWriteFreeze.RefusedState})";
    }

    async Task<string> UnfreezeAsync(string tenantId, TenantDataLocation source, CancellationToken cancellationToken)
    {
        await using var database = await OpenAsync(tenantId, source, cancellationToken);
        await TenantWriteFreeze.UnfreezeAsync(database.Admin, database.Schema, database.OwnerRole, LockTimeout, cancellationToken);
        return $"{database.Description}: writable again";
    }

    async Task<string> CopyAsync(string tenantId, TenantDataLocation source, TenantDataLocation target, CancellationToken cancellationToken)
    {
        await using var from = await OpenAsync(tenantId, source, cancellationToken);
        await using var to = await OpenAsync(tenantId, target, cancellationToken);
        await using var reader = await from.OpenTenantAsync(cancellationToken);
        await using var writer = await to.OpenTenantAsync(cancellationToken);
        // The target gets the source's shop schema version, so every table and column lines up for the copy (a fleet
        // rollout brings the tenant up later, on whichever side it is then).
        var version = await Task.Factory.StartNew(() => migrator.VersionOf(reader.DataSource, from.Schema), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await EnsureSchemaAsync(to, writer, version, cancellationToken);
        var clock = Stopwatch.StartNew();
        var rows = await TenantDataCopy.CopyAsync(reader.DataSource, writer.DataSource, from.Schema, cancellationToken);
        return $"{rows} rows copied from {from.Description} to {to.Description} in {clock.ElapsedMilliseconds} ms";
    }

    async Task<string> VerifyAsync(string tenantId, TenantDataLocation source, TenantDataLocation target, CancellationToken cancellationToken)
    {
        await using var from = await OpenAsync(tenantId, source, cancellationToken);
        await using var to = await OpenAsync(tenantId, target, cancellationToken);
        await using var sourceRows = await from.OpenTenantAsync(cancellationToken);
        await using var targetRows = await to.OpenTenantAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var expected = await TenantDataCopy.FingerprintAsync(sourceRows.DataSource, from.Schema, cancellationToken);
        var actual = await TenantDataCopy.FingerprintAsync(targetRows.DataSource, to.Schema, cancellationToken);
        var differences = TenantDataCopy.Differences(expected, actual);
        if (differences.Count > 0)
        {
            throw new TenantDataMismatchException(differences);
        }
        return $"{expected.Count} tables, {expected.Sum(t => t.Rows)} rows identical on both sides (row counts and checksums) in {clock.ElapsedMilliseconds} ms";
    }

    /// <summary>
    /// The target's shop schema at the current migration, made with the tenant's rights (a Kubernetes target gets it
    /// here, as the cluster's app owner; elsewhere provisioning made it and this changes nothing).
    /// </summary>
    async Task EnsureSchemaAsync(TenantDatabaseAccess target, TenantSession tenant, int version, CancellationToken cancellationToken)
    {
        await using (var exists = target.Admin.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema)"))
        {
            exists.Parameters.AddWithValue("schema", target.Schema);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await using var create = tenant.DataSource.CreateCommand($"CREATE SCHEMA {SqlIdentifiers.Quote(target.Schema)}");
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        // DbUp blocks; on its own thread it cannot starve the small thread pool of a 2-core host.
        await Task.Factory.StartNew(() => migrator.MigrateTo(tenant.DataSource, target.Schema, version, lockTimeout: null, asRole: target.OwnerRole), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    async Task<TenantDatabaseAccess> OpenAsync(string tenantId, TenantDataLocation location, CancellationToken cancellationToken)
    {
        if (location.DeploymentMode == DeploymentModes.Dedicated)
        {
            return await platform.OpenDatabaseAsync(tenantId, location.Namespace, cancellationToken);
        }
        var pool = location.Pool ?? throw new ArgumentException("a shared location needs its pool");
        var names = new TenantNames(tenantId);
        var connectionString = provisioning.Value.FreeTier.Pool(pool).PostgresConnectionString
            ?? throw new InvalidOperationException($"shared pool '{pool}' has no connection string in this worker's Provisioning:FreeTier");
        return new TenantDatabaseAccess(connectionString, names.Schema, names.Role, $"pool {pool} schema {names.Schema}",
            (admin, cancellationToken) => TenantSession.AsMoverAsync(admin, connectionString, names, cancellationToken));
    }
}
