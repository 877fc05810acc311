using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Secrets;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;
using Npgsql;
using static MechanicBuddy.DedicatedProvisioner.Provisioning.DedicatedTenantSteps;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;

/// <summary>
/// Path 2 without Kubernetes: the tenant gets a PostgreSQL instance of its own (own data directory, port, superuser),
/// migrated and seeded like the shared path, and a route for its default host and custom domain. As on the shared
/// path, the route is built beside the database and the tenant is Active only when both are done.
/// </summary>
public sealed class SingleHostPlatform(
    PostgresInstances instances,
    InstanceDatabase database,
    ShopSchemaMigrator migrator,
    ITenantRouteDriver routes,
    ITenantSecretStore secrets,
    StepRunner steps,
    IOptions<DedicatedPlatformOptions> options,
    IOptions<ProvisioningOptions> provisioning,
    ILogger<SingleHostPlatform> logger) : IDedicatedPlatform
{
    const string SuperuserSecret = "instance-superuser-password";

    public string Name => DedicatedPlatforms.SingleHost;

    public async Task<DedicatedProvisioningOutcome> ProvisionAsync(DedicatedTenantPlan plan, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var names = plan.Names;
        try
        {
            var route = RouteOf(names.TenantId, plan.DefaultHostname, plan.CustomDomain);
            // A tier change's target gets its route only at the switch, when the data is in it.
            var routing = plan.Command.WithoutRoute
                ? Task.CompletedTask
                : steps.RunAsync(ConfigureRouting, $"route {string.Join(", ", route.AllHostnames)} → API/Web with X-Tenant-ID", onProgress,
                    cancellationToken => routes.EnsureRouteAsync(route, cancellationToken), cancellationToken);
            var building = BuildDatabaseAsync(plan, onProgress, cancellationToken);
            await Task.WhenAll(building, routing);
            return new DedicatedProvisioningOutcome.Succeeded(HelmRelease: null, Warnings: [], SchemaVersion: plan.Command.SchemaVersion ?? ShopSchemaVersions.Latest);
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var reason = StepRunner.Describe(failure);
            logger.LogWarning("Dedicated provisioning of {TenantId} failed at {Step}: {Reason}; compensating", names.TenantId, failure.Step, reason);
            await onProgress(steps.Progress(failure.Step, ProvisioningProgress.Failed, reason));
            var removed = await steps.CompensateAsync(() => RemoveAsync(names.TenantId, keepRoute: plan.Command.WithoutRoute, _ => Task.CompletedTask, cancellationToken),
                "instance, route and secrets removed", onProgress, logger, names.TenantId);
            return new DedicatedProvisioningOutcome.Failed(failure.Step, reason, removed);
        }
    }

    async Task BuildDatabaseAsync(DedicatedTenantPlan plan, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken)
    {
        var names = plan.Names;
        var superuserPassword = await secrets.GetOrCreateSecretAsync(names.TenantId, SuperuserSecret, cancellationToken);
        var rolePassword = await secrets.GetOrCreateDatabasePasswordAsync(names.TenantId, cancellationToken);
        var port = 0;
        await steps.RunAsync(CreateInstance, () => $"PostgreSQL instance {names.DedicatedNamespace} on port {port}", onProgress,
            async cancellationToken => port = await instances.CreateAsync(names.TenantId, superuserPassword, cancellationToken), cancellationToken);
        await steps.RunAsync(WaitForPostgres, () => $"instance accepts connections on {options.Value.SingleHost.ListenAddress}:{port}", onProgress, async cancellationToken =>
        {
            await instances.StartAsync(names.TenantId, cancellationToken);
            await instances.WaitUntilReadyAsync(names.TenantId, superuserPassword, cancellationToken);
        }, cancellationToken);
        await steps.RunAsync(CreateDatabase, $"database {InstanceDatabase.Database}, role {names.Role}, schema {names.Schema}", onProgress,
            cancellationToken => database.CreateAsync(names, superuserPassword, rolePassword, cancellationToken), cancellationToken);

        await using var tenantDb = TenantLogin.DataSource(database.ServerConnectionString(names.TenantId), names, rolePassword);
        IReadOnlyList<string> ran = [];
        await steps.RunAsync(RunMigrations, () => $"DbUp applied {ran.Count} script(s) in {names.Schema}", onProgress,
            // DbUp blocks; on its own thread it cannot starve the small thread pool of a 2-core host.
            cancellationToken => Task.Factory.StartNew(() => ran = migrator.MigrateTo(tenantDb, names.Schema, plan.Command.SchemaVersion ?? ShopSchemaVersions.Latest, lockTimeout: null).Scripts, cancellationToken, TaskCreationOptions.LongRunning,
                TaskScheduler.Default), cancellationToken);
        var command = plan.Command;
        var seed = new ShopSeeder.Seed(command.CompanyName, command.SubscriptionTier, command.OwnerEmail, command.AdminPasswordHash, plan.Limits.MechanicLimit);
        await steps.RunAsync(SeedData, "admin user and default settings", onProgress, cancellationToken => ShopSeeder.SeedAsync(tenantDb, seed, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// On this host a tier decides no memory or replicas (the instance is the host's), only what the shop enforces: its tier
    /// and mechanic limit, written with the tenant's own login in one transaction, so a failure changes nothing.
    /// </summary>
    public async Task<DedicatedProvisioningOutcome> ResizeAsync(DedicatedResizePlan plan, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var names = plan.Names;
        try
        {
            if (!Directory.Exists(instances.DirectoryOf(names.TenantId)))
            {
                throw new StepFailedException(ApplyTierLimits, new InvalidOperationException($"tenant {names.TenantId} has no PostgreSQL instance on this host"));
            }
            var superuserPassword = await secrets.GetOrCreateSecretAsync(names.TenantId, SuperuserSecret, cancellationToken);
            var rolePassword = await secrets.GetOrCreateDatabasePasswordAsync(names.TenantId, cancellationToken);
            await steps.RunAsync(ApplyTierLimits, $"shop settings: tier {plan.Command.NewTier}, mechanic limit {(plan.To.MechanicLimit < 0 ? "unlimited" : plan.To.MechanicLimit)}",
                onProgress, async cancellationToken =>
                {
                    await instances.StartAsync(names.TenantId, cancellationToken);
                    await instances.WaitUntilReadyAsync(names.TenantId, superuserPassword, cancellationToken);
                    await using var tenantDb = TenantLogin.DataSource(database.ServerConnectionString(names.TenantId), names, rolePassword);
                    await ShopSeeder.ApplyTierAsync(tenantDb, plan.Command.NewTier, plan.To.MechanicLimit, cancellationToken);
                }, cancellationToken);
            return new DedicatedProvisioningOutcome.Succeeded(HelmRelease: null, Warnings: []);
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var reason = StepRunner.Describe(failure);
            await onProgress(steps.Progress(failure.Step, ProvisioningProgress.Failed, reason));
            // The settings change in one transaction: nothing of the new tier was applied.
            return new DedicatedProvisioningOutcome.Failed(failure.Step, reason, Compensated: true);
        }
    }

    /// <summary>The tenant's route: its default host and custom domain to the API/Web, or (suspended) to a 503.</summary>
    TenantRoute RouteOf(string tenantId, string defaultHostname, string? customDomain, bool suspended = false)
    {
        var host = options.Value.SingleHost;
        return new TenantRoute(tenantId, defaultHostname, new Uri(host.WebUrl), new Uri(host.ApiUrl))
        {
            AliasHostnames = customDomain is { } custom ? [custom] : [],
            Suspended = suspended,
        };
    }

    public async Task<string> SetAccessAsync(SetTenantAccess command, CancellationToken cancellationToken)
    {
        var route = RouteOf(command.TenantId, new TenantNames(command.TenantId).Hostname(provisioning.Value.BaseDomain),
            DedicatedTenantPlan.NormalizeDomain(command.CustomDomain), command.Suspended);
        await TransientRetry.RunAsync(() => routes.EnsureRouteAsync(route, cancellationToken), cancellationToken);
        var hosts = string.Join(", ", route.AllHostnames);
        return command.Suspended ? $"{hosts} answer 503; instance and data untouched" : $"{hosts} serve the tenant from this instance";
    }

    public async Task<TenantDatabaseAccess> OpenDatabaseAsync(string tenantId, string? ns, CancellationToken cancellationToken)
    {
        var names = new TenantNames(tenantId);
        if (!Directory.Exists(instances.DirectoryOf(tenantId)))
        {
            throw new InvalidOperationException($"tenant {tenantId} has no PostgreSQL instance on this host");
        }
        await instances.StartAsync(tenantId, cancellationToken);
        var password = await secrets.GetOrCreateSecretAsync(tenantId, SuperuserSecret, cancellationToken);
        var connectionString = instances.ConnectionString(tenantId, InstanceDatabase.Database, PostgresInstances.Superuser, password);
        return new TenantDatabaseAccess(connectionString, names.Schema, names.Role, $"instance {names.DedicatedNamespace} (port {instances.PortOf(tenantId)})",
            (admin, cancellationToken) => TenantSession.AsMoverAsync(admin, database.ServerConnectionString(tenantId), names, cancellationToken));
    }

    public async Task<bool> RemoveAsync(string tenantId, bool keepRoute, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken)
    {
        var port = instances.PortOf(tenantId);
        if (!keepRoute)
        {
            await TransientRetry.RunAsync(() => routes.RemoveRouteAsync(tenantId, cancellationToken), cancellationToken);
        }
        await instances.RemoveAsync(tenantId, cancellationToken);
        await secrets.DeleteAsync(tenantId, cancellationToken);

        var instanceGone = !Directory.Exists(instances.DirectoryOf(tenantId))
            && (port is not { } p || !await PostgresInstances.IsListeningAsync(options.Value.SingleHost.ListenAddress, p, cancellationToken));
        var routeGone = keepRoute || !await routes.RouteExistsAsync(tenantId, cancellationToken);
        var secretsGone = !await secrets.ExistsAsync(tenantId, cancellationToken);
        await onProgress(steps.Progress(Deprovision, instanceGone && routeGone && secretsGone ? ProvisioningProgress.Completed : ProvisioningProgress.Failed,
            $"instance {new TenantNames(tenantId).DedicatedNamespace}{(port is { } used ? $" (port {used})" : "")} {(instanceGone ? "stopped and deleted" : "STILL PRESENT")}, " +
            $"route {(keepRoute ? "kept (it serves the tenant's new tier)" : routeGone ? "removed" : "STILL PRESENT")}, secrets {(secretsGone ? "deleted" : "STILL PRESENT")}"));
        return instanceGone && routeGone && secretsGone;
    }
}
