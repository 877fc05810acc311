using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Extensions;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.IntegrationTests.DedicatedProvisioner;

/// <summary>The single-host platform on its own, against real PostgreSQL binaries and the test nginx.</summary>
public sealed class SingleHostPlatformTests : IAsyncLifetime
{
    const string BaseDomain = "single-host.localhost";
    readonly string _root = Path.Combine(TestEnvironment.VarDirectory, "single-host-" + Guid.NewGuid().ToString("N")[..8]);
    EchoBackend _echo = null!;
    readonly List<ServiceProvider> _providers = [];

    string Instances => Path.Combine(_root, "tenants");
    string Secrets => Path.Combine(_root, "secrets");

    public async Task InitializeAsync() => _echo = await EchoBackend.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        await TenantInstances.StopAndDeleteAllAsync(Instances);
        await EdgeRoutes.RemoveTenantsUnderAsync("." + BaseDomain);
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
        await _echo.DisposeAsync();
    }

    ServiceProvider Services(string? failAfterStep = null)
    {
        var settings = SharedTierSettings.For(BaseDomain, TestEnvironment.ConnectionString("postgres"), _echo.Url, Secrets);
        foreach (var (key, value) in DedicatedSettings.SingleHost(Instances, _echo.Url, firstPort: 27100))
        {
            settings[key] = value;
        }
        settings["FaultInjection:FailAfterStep"] = failAfterStep;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section));
        services.AddDedicatedProvisioning(configuration);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    static DedicatedTenantPlan Plan(IServiceProvider services, string company, string tier = "professional")
    {
        var id = TenantIds.Generate(company);
        var command = new BuildTenantSide
        {
            Side = TenantSideRoles.Current, DeploymentMode = "dedicated", CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, CompanyName = company, SubscriptionTier = tier,
            OwnerEmail = "owner@example.com", AdminPasswordHash = "PBKDF2$SHA256$1$c2FsdA==$aGFzaA==",
        };
        return DedicatedTenantPlan.For(command, services.GetRequiredService<IOptions<ProvisioningOptions>>().Value);
    }

    static async Task<(DedicatedProvisioningOutcome, List<ProvisioningProgress>)> ProvisionAsync(IServiceProvider services, DedicatedTenantPlan plan)
    {
        var progress = new List<ProvisioningProgress>();
        var outcome = await services.GetRequiredService<IDedicatedPlatform>().ProvisionAsync(plan, p =>
        {
            lock (progress)
            {
                progress.Add(p);
            }
            return Task.CompletedTask;
        }, CancellationToken.None);
        return (outcome, progress);
    }

    [Fact]
    public async Task Running_the_same_provisioning_twice_keeps_one_instance_on_one_port()
    {
        var services = Services();
        var plan = Plan(services, "Twice Tuned Motors");

        var (first, _) = await ProvisionAsync(services, plan);
        var port = TenantInstances.PortOf(Instances, plan.Names.TenantId);
        var (second, progress) = await ProvisionAsync(services, plan);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(first);
        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(second);
        Assert.Equal(port, TenantInstances.PortOf(Instances, plan.Names.TenantId));
        Assert.Single(Directory.GetDirectories(Instances));
        Assert.Contains(progress, p => p.Step == DedicatedTenantSteps.RunMigrations && p.Message.StartsWith("DbUp applied 0 script(s)", StringComparison.Ordinal));
        Assert.True(await PostgresInstances.IsListeningAsync("127.0.0.1", port!.Value, CancellationToken.None));
    }

    [Fact]
    public async Task Two_tenants_get_two_instances_on_different_ports()
    {
        var services = Services();
        var a = Plan(services, "Left Lane Garage");
        var b = Plan(services, "Right Lane Garage");

        var outcomes = await Task.WhenAll(ProvisionAsync(services, a), ProvisionAsync(services, b));

        Assert.All(outcomes, o => Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(o.Item1));
        Assert.NotEqual(TenantInstances.PortOf(Instances, a.Names.TenantId), TenantInstances.PortOf(Instances, b.Names.TenantId));
    }

    [Fact]
    public async Task A_failure_after_the_database_is_made_removes_instance_route_and_secrets_and_names_the_step()
    {
        var services = Services(failAfterStep: DedicatedTenantSteps.CreateDatabase);
        var plan = Plan(services, "Doomed Diesel Works");

        var (outcome, progress) = await ProvisionAsync(services, plan);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Equal(DedicatedTenantSteps.CreateDatabase, failed.Step);
        Assert.True(failed.Compensated);
        Assert.Contains(progress, p => p.Step == "Compensate" && p.Outcome == ProvisioningProgress.Compensated);
        Assert.False(Directory.Exists(TenantInstances.DirectoryOf(Instances, plan.Names.TenantId)));
        Assert.False(Directory.Exists(Path.Combine(Secrets, plan.Names.TenantId)));
        Assert.False(EdgeRoutes.Has(plan.Names.TenantId));
    }
}
