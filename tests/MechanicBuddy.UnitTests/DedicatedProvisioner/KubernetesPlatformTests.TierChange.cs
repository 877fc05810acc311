using System.Text;
using System.Text.Json.Nodes;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.UnitTests.Provisioning.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// A tier change's data move on Kubernetes reaches the tenant's CloudNativePG cluster through its read-write service,
/// as the database owner whose credentials the chart keeps in the postgres-app secret for rows, and as the cluster's
/// superuser (CloudNativePG's postgres-superuser secret) for the read-only window's DDL; only in the tenant's own namespace.
/// </summary>
public sealed partial class KubernetesPlatformTests
{
    [Fact]
    public async Task The_data_move_reaches_the_clusters_rw_service_as_superuser_for_ddl_and_as_the_owner_for_rows()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);
        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>((await RunAsync(platform, plan)).Outcome);
        _api.Put("secrets", ns, AppSecret(ns, "mechanicbuddy", "s3cret-from-the-chart"));
        _api.Put("secrets", ns, AppSecret(ns, "postgres", "superuser-s3cret", HelmValues.PostgresSuperuserSecret));

        await using var access = await platform.OpenDatabaseAsync(plan.Names.TenantId, ns, CancellationToken.None);

        // DDL (the read-only window) as the cluster's superuser with search_path pinned; rows as the app owner.
        var admin = new NpgsqlConnectionStringBuilder(access.Admin.ConnectionString);
        Assert.Equal(($"postgres-rw.{ns}.svc", 5432, HelmValues.PostgresDatabase, "postgres", "pg_catalog"),
            (admin.Host, admin.Port, admin.Database, admin.Username, admin.SearchPath));
        await using var rows = await access.OpenTenantAsync(CancellationToken.None);
        var tenant = new NpgsqlConnectionStringBuilder(rows.DataSource.ConnectionString);
        Assert.Equal(($"postgres-rw.{ns}.svc", "mechanicbuddy", plan.Names.Schema), (tenant.Host, tenant.Username, tenant.SearchPath));
        Assert.Equal(("mechanicbuddy", plan.Names.Schema), (access.OwnerRole, access.Schema));
        Assert.Contains($"GET /api/v1/namespaces/{ns}/secrets/{HelmValues.PostgresAppSecret}", _api.Requests);
        Assert.Contains($"GET /api/v1/namespaces/{ns}/secrets/{HelmValues.PostgresSuperuserSecret}", _api.Requests);
    }

    [Fact]
    public async Task Switching_an_upgraded_tenants_route_removes_its_shared_edge_host_so_the_ingress_serves_it()
    {
        await using var npm = await FakeNginxProxyManager.StartAsync();
        var platform = Platform(more: new Dictionary<string, string?>
        {
            ["Routing:Driver"] = "npm", ["Routing:Npm:BaseUrl"] = npm.Url.ToString(),
            ["Routing:Npm:Identity"] = FakeNginxProxyManager.Identity, ["Routing:Npm:Secret"] = FakeNginxProxyManager.Secret,
        });
        var plan = Plan(customDomain: null);
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);
        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>((await RunAsync(platform, plan)).Outcome);
        // The tenant's free-tier host on the edge, as the shared worker made it.
        var edge = _services!.GetRequiredService<ITenantRouteDriver>();
        await edge.EnsureRouteAsync(new TenantRoute(plan.Names.TenantId, plan.DefaultHostname, new Uri("http://web.free"), new Uri("http://api.free")), CancellationToken.None);
        Assert.Single(npm.Hosts);

        var switched = await platform.SetAccessAsync(new SetTenantAccess
        {
            CorrelationId = plan.Command.CorrelationId, TenantId = plan.Names.TenantId, Suspended = false, SubscriptionTier = "professional", Namespace = ns,
        }, CancellationToken.None);

        Assert.Empty(npm.Hosts);
        Assert.Contains("edge route removed", switched, StringComparison.Ordinal);
        // Serving again later (a resume) finds nothing to remove and says nothing about it.
        var resumed = await platform.SetAccessAsync(new SetTenantAccess
        {
            CorrelationId = plan.Command.CorrelationId, TenantId = plan.Names.TenantId, Suspended = false, SubscriptionTier = "professional", Namespace = ns,
        }, CancellationToken.None);
        Assert.DoesNotContain("edge", resumed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_move_never_reads_credentials_from_a_namespace_that_is_not_the_tenants()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        _api.Put("namespaces", null, Namespace(ns, tenantLabel: null));
        _api.Put("secrets", ns, AppSecret(ns, "someone", "else"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => platform.OpenDatabaseAsync(plan.Names.TenantId, ns, CancellationToken.None));

        Assert.Contains("not labelled", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.Contains("/secrets/", StringComparison.Ordinal));
    }
}
