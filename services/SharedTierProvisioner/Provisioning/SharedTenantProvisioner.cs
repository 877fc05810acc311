using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Secrets;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.SharedTierProvisioner.Provisioning;

/// <summary>
/// Path 1: schema and role, migrations, seed, route. Every step is idempotent, so a redelivered command re-runs safely;
/// a step that fails for good triggers removal of everything the tenant has in the pool, and the outcome says which
/// step failed and why.
/// </summary>
public sealed class SharedTenantProvisioner(
    SharedPoolSchemas schemas,
    SharedPools pools,
    ShopSchemaMigrator migrator,
    ITenantRouteDriver routes,
    ITenantSecretStore secrets,
    IOptions<ProvisioningOptions> provisioning,
    StepRunner steps,
    ILogger<SharedTenantProvisioner> logger)
{
    public async Task<SharedProvisioningOutcome> ProvisionAsync(BuildTenantSide command, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var names = new TenantNames(command.TenantId);
        var options = provisioning.Value;
        var hostname = names.Hostname(options.BaseDomain);
        var tenantUrl = options.PublicUrl(hostname);
        try
        {
            // The route needs nothing from the database, so it is built beside it (an nginx reload costs about as
            // much as the migrations). The tenant becomes Active only when both branches are done; if either fails,
            // everything of both is removed.
            var route = RouteOf(names.TenantId);
            // A tier change's target gets its route only at the switch, when the data is in it.
            var routing = command.WithoutRoute
                ? Task.CompletedTask
                : steps.RunAsync(SharedTenantSteps.ConfigureRouting, $"route {hostname} → shared API/Web with X-Tenant-ID", onProgress,
                    cancellationToken => routes.EnsureRouteAsync(route, cancellationToken), cancellationToken);
            var database = BuildDatabaseAsync(command, names, onProgress, cancellationToken);
            await Task.WhenAll(database, routing);

            return new SharedProvisioningOutcome.Succeeded(tenantUrl, tenantUrl + "/api", names.Schema);
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var reason = StepRunner.Describe(failure.InnerException!);
            logger.LogWarning("Provisioning of {TenantId} failed at {Step}: {Reason}; compensating", names.TenantId, failure.Step, reason);
            await onProgress(new ProvisioningProgress(failure.Step, ProvisioningProgress.Failed, reason, steps.Clock.GetUtcNow()));
            var compensated = await steps.CompensateAsync(() => RemoveAsync(command.Pool!, names, keepRoute: command.WithoutRoute, cancellationToken),
                "route, schema, role and secret removed", onProgress, logger, names.TenantId);
            return new SharedProvisioningOutcome.Failed(failure.Step, reason, compensated);
        }
    }

    async Task BuildDatabaseAsync(BuildTenantSide command, TenantNames names, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var password = "";
        await steps.RunAsync(SharedTenantSteps.CreateSchema, $"schema {names.Schema} and role {names.Role} in pool {command.Pool}", onProgress, async cancellationToken =>
        {
            password = await secrets.GetOrCreateDatabasePasswordAsync(names.TenantId, cancellationToken);
            await schemas.CreateTenantAsync(command.Pool!, names, password, cancellationToken);
        }, cancellationToken);

        await using var tenantDb = TenantLogin.DataSource(pools.ConnectionString(command.Pool!), names, password);
        IReadOnlyList<string> ran = [];
        await steps.RunAsync(SharedTenantSteps.RunMigrations, () => $"DbUp applied {ran.Count} script(s) in {names.Schema}", onProgress,
            // DbUp blocks; on its own thread it cannot starve the small thread pool of a 2-core host.
            cancellationToken => Task.Factory.StartNew(() => ran = migrator.MigrateTo(tenantDb, names.Schema, command.SchemaVersion ?? ShopSchemaVersions.Latest, lockTimeout: null).Scripts, cancellationToken, TaskCreationOptions.LongRunning,
                TaskScheduler.Default), cancellationToken);

        var seed = new ShopSeeder.Seed(command.CompanyName, command.SubscriptionTier, command.OwnerEmail, command.AdminPasswordHash,
            provisioning.Value.FreeTier.MechanicLimit);
        await steps.RunAsync(SharedTenantSteps.SeedData, "admin user and default settings", onProgress,
            cancellationToken => ShopSeeder.SeedAsync(tenantDb, seed, cancellationToken), cancellationToken);
    }

    /// <summary>The tenant's route on the edge: its host to the shared API/Web, or (suspended) to a 503.</summary>
    public TenantRoute RouteOf(string tenantId, bool suspended = false)
    {
        var options = provisioning.Value;
        return new TenantRoute(tenantId, new TenantNames(tenantId).Hostname(options.BaseDomain), new Uri(options.FreeTier.WebUrl), new Uri(options.FreeTier.ApiUrl))
        {
            Suspended = suspended,
        };
    }

    /// <summary>Suspends (503) or resumes the tenant's route; schema, role and data are not touched. Returns what was done, for the tenant's log.</summary>
    public async Task<string> SetAccessAsync(string tenantId, bool suspended, CancellationToken cancellationToken)
    {
        var route = RouteOf(tenantId, suspended);
        await TransientRetry.RunAsync(() => routes.EnsureRouteAsync(route, cancellationToken), cancellationToken);
        return suspended ? $"route {route.Hostname} answers 503; data untouched" : $"route {route.Hostname} serves the tenant from the shared API/Web";
    }

    /// <summary>
    /// Removes route, schema, role and secret; true when all of it is gone. Rides out a database restart (all of it is
    /// idempotent). <paramref name="keepRoute"/>: the route serves the tenant's other side (a tier change), so it stays.
    /// </summary>
    public Task<bool> RemoveAsync(string pool, TenantNames names, bool keepRoute, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(async () =>
        {
            if (!keepRoute)
            {
                await routes.RemoveRouteAsync(names.TenantId, cancellationToken);
            }
            await schemas.DropTenantAsync(pool, names, cancellationToken);
            await secrets.DeleteAsync(names.TenantId, cancellationToken);
            var (schema, role) = await schemas.ExistsAsync(pool, names, cancellationToken);
            return !schema && !role && (keepRoute || !await routes.RouteExistsAsync(names.TenantId, cancellationToken));
        }, cancellationToken);
}
