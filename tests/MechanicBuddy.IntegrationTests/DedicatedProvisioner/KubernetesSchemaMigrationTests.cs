using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Consumers;
using MechanicBuddy.DedicatedProvisioner.Extensions;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using MechanicBuddy.UnitTests.DedicatedProvisioner;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.IntegrationTests.DedicatedProvisioner;

/// <summary>
/// A fleet rollout's step for a tenant on Kubernetes, with the migration run for real: the dedicated worker finds the
/// tenant's CloudNativePG cluster through the fake API server (its namespace, the chart's postgres-app secret and
/// CloudNativePG's superuser secret) and reaches its -rw service, here the test PostgreSQL (as
/// <c>Kubernetes:DatabaseHost</c> lets a control plane outside the cluster say), and the scripts run as the database
/// owner the secret names, never as the superuser.
/// </summary>
public sealed class KubernetesSchemaMigrationTests : IAsyncLifetime
{
    FakeKubernetesApi _api = null!;
    readonly string _inbox = Path.Combine(Path.GetTempPath(), $"mb-k8s-migrate-{Guid.NewGuid():N}");
    readonly string _owner = $"cnpg_app_{Guid.NewGuid():N}"[..20];
    const string OwnerPassword = "app-s3cret-from-the-chart";

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        await using var server = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"));
        await server.OpenAsync();
        try
        {
            // The database the chart's bootstrap makes in every tenant cluster; owned by the control plane's role like every test
            // database, so the test cluster's superuser can be dropped and made anew by the next infra start.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {HelmValues.PostgresDatabase} OWNER mechanicbuddy", server);
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
        }
        await using var role = new NpgsqlCommand($"CREATE ROLE {_owner} LOGIN PASSWORD '{OwnerPassword}'", server);
        await role.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var database = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(HelmValues.PostgresDatabase));
        await database.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP OWNED BY {_owner} CASCADE; DROP ROLE {_owner}", database);
        await drop.ExecuteNonQueryAsync();
        if (Directory.Exists(_inbox))
        {
            Directory.Delete(_inbox, recursive: true);
        }
    }

    /// <summary>A tenant cluster as the chart and the app's first release left it: its schema at version 2, owned by the app's login.</summary>
    async Task<(string TenantId, string Namespace, NpgsqlDataSource Shop)> ClusterAtEarlierReleaseAsync(string? namespaceLabel = null)
    {
        var tenantId = TenantIds.Generate("Kube Motors");
        var names = new TenantNames(tenantId);
        await using (var database = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(HelmValues.PostgresDatabase)))
        {
            await database.OpenAsync();
            await using var schema = new NpgsqlCommand($"CREATE SCHEMA {SqlIdentifiers.Quote(names.Schema)} AUTHORIZATION {_owner}", database);
            await schema.ExecuteNonQueryAsync();
        }
        var shop = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestEnvironment.ConnectionString(HelmValues.PostgresDatabase, _owner, OwnerPassword))
        {
            SearchPath = names.Schema,
        }.ConnectionString);
        new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).MigrateTo(shop, names.Schema, EarlierRelease.Version, lockTimeout: null);

        var ns = names.DedicatedNamespace;
        _api.Put("namespaces", null, Namespace(ns, namespaceLabel ?? tenantId));
        var superuser = new NpgsqlConnectionStringBuilder(TestEnvironment.SuperuserConnectionString(HelmValues.PostgresDatabase));
        _api.Put("secrets", ns, AppSecret(ns, _owner, OwnerPassword));
        _api.Put("secrets", ns, AppSecret(ns, superuser.Username!, superuser.Password!, HelmValues.PostgresSuperuserSecret));
        return (tenantId, ns, shop);
    }

    async Task<ServiceProvider> WorkerAsync(FakeHelm? helm = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kubernetes:HelmPath"] = helm?.Executable ?? "helm",
            ["Kubernetes:ChartPath"] = Path.Combine(KubernetesPlatformTests.RepositoryRoot(), "k8s", "charts", "mechanicbuddy-tenant"),
            ["Kubernetes:ReadyTimeoutSeconds"] = "5",
            ["Provisioning:BaseDomain"] = "mechanicbuddy.app",
            ["Dedicated:Platform"] = "kubernetes",
            ["Kubernetes:Host"] = _api.Url.ToString().TrimEnd('/'),
            ["Kubernetes:DatabaseHost"] = "127.0.0.1",
            ["Kubernetes:DatabasePort"] = TestEnvironment.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Inbox:Directory"] = _inbox,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section));
        services.AddDedicatedProvisioning(configuration);
        services.AddMassTransitTestHarness(x => x.AddConsumer<MigrateDedicatedSchemaConsumer>());
        var provider = services.BuildServiceProvider(true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }

    static MigrateTenantSchema Command(string tenantId, string ns) => new()
    {
        RolloutId = Guid.NewGuid(), TenantId = tenantId, DeploymentMode = DeploymentModes.Dedicated, Namespace = ns,
        TargetVersion = ShopSchemaVersions.Latest, LockTimeoutMs = 2000, Attempt = 1,
    };

    static async Task<T?> ScalarAsync<T>(NpgsqlDataSource shop, string sql)
    {
        await using var command = shop.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    [Fact]
    public async Task A_tenant_on_kubernetes_is_migrated_through_its_clusters_rw_service_as_the_database_owner()
    {
        var (tenantId, ns, shop) = await ClusterAtEarlierReleaseAsync();
        await using var _ = shop;
        await using var worker = await WorkerAsync();
        var harness = worker.GetRequiredService<ITestHarness>();

        await harness.Bus.Publish(Command(tenantId, ns));

        Assert.True(await harness.Published.Any<TenantSchemaMigrated>(m => m.Context.Message.TenantId == tenantId));
        var migrated = harness.Published.Select<TenantSchemaMigrated>().Single(m => m.Context.Message.TenantId == tenantId).Context.Message;
        Assert.Equal((EarlierRelease.Version, ShopSchemaVersions.Latest), (migrated.FromVersion, migrated.ToVersion));
        Assert.False(await harness.Published.Any<TenantSchemaMigrationFailed>());
        Assert.Equal(ShopSchemaVersions.Latest, new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).VersionOf(shop, new TenantNames(tenantId).Schema));
        // The new table belongs to the owner the chart's secret names: the scripts ran with the tenant's rights.
        Assert.Equal(_owner, await ScalarAsync<string>(shop, "SELECT tableowner::text FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'vehicle_inspections'"));
        Assert.True(await ScalarAsync<bool>(shop,
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_work_orders_opened' AND c.relnamespace = current_schema()::regnamespace"));
        Assert.Contains($"GET /api/v1/namespaces/{ns}/secrets/{HelmValues.PostgresAppSecret}", _api.Requests);
    }

    [Fact]
    public async Task A_namespace_that_is_not_the_tenants_is_not_touched_and_the_failure_names_why()
    {
        var (tenantId, ns, shop) = await ClusterAtEarlierReleaseAsync(namespaceLabel: "someone-else");
        await using var _ = shop;
        await using var worker = await WorkerAsync();
        var harness = worker.GetRequiredService<ITestHarness>();

        await harness.Bus.Publish(Command(tenantId, ns));

        Assert.True(await harness.Published.Any<TenantSchemaMigrationFailed>(m => m.Context.Message.TenantId == tenantId));
        var failed = harness.Published.Select<TenantSchemaMigrationFailed>().Single(m => m.Context.Message.TenantId == tenantId).Context.Message;
        Assert.Contains("not labelled for tenant", failed.Error, StringComparison.Ordinal);
        Assert.Equal(EarlierRelease.Version, new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).VersionOf(shop, new TenantNames(tenantId).Schema));
        Assert.DoesNotContain(_api.Requests, r => r.Contains("/secrets/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kubernetes_signup_records_the_version_the_releases_api_migrated_its_cluster_to()
    {
        var (tenantId, ns, shop) = await ClusterAtEarlierReleaseAsync();
        await using var _ = shop;
        using var helm = new FakeHelm();
        await using var worker = await WorkerAsync(helm);
        var plan = DedicatedTenantPlan.For(new BuildTenantSide
        {
            Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Dedicated, CorrelationId = TenantNames.CorrelationIdFor(tenantId), TenantId = tenantId,
            CompanyName = "Kube Motors", SubscriptionTier = "professional", OwnerEmail = "owner@kube.example", AdminPasswordHash = "PBKDF2$SHA256$10000$c2FsdA==$aGFzaA==",
        }, worker.GetRequiredService<IOptions<ProvisioningOptions>>().Value);
        ReleaseObjects(_api, plan);

        var outcome = await worker.GetRequiredService<IDedicatedPlatform>().ProvisionAsync(plan, _ => Task.CompletedTask, CancellationToken.None);

        var done = Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        Assert.Equal(EarlierRelease.Version, done.SchemaVersion);
    }
}
