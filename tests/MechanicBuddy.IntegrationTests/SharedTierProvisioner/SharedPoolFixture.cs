using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.SharedTierProvisioner.Extensions;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MechanicBuddy.IntegrationTests.SharedTierProvisioner;

/// <summary>A fresh shared pool database, the test nginx, an echo backend and a secrets folder; provisioners built over them.</summary>
public sealed class SharedPoolFixture : IAsyncLifetime
{
    public const string BaseDomain = "pool-test.localhost";
    public TestDatabase Pool { get; private set; } = null!;
    public EchoBackend Echo { get; private set; } = null!;
    public string SecretsDirectory { get; } = Path.Combine(TestEnvironment.VarDirectory, "secrets-" + Guid.NewGuid().ToString("N")[..8]);
    readonly List<ServiceProvider> _providers = [];

    public async Task InitializeAsync()
    {
        Pool = await TestDatabase.CreatePoolAsync("mbt_pool");
        Echo = await EchoBackend.StartAsync();
    }

    public ServiceProvider Services(string? failAfterStep = null, string? hangAtStep = null, int stepTimeoutSeconds = 60,
        IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = SharedTierSettings.For(BaseDomain, Pool.ConnectionString, Echo.Url, SecretsDirectory);
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        settings["FaultInjection:FailAfterStep"] = failAfterStep;
        settings["FaultInjection:HangAtStep"] = hangAtStep;
        settings["Steps:TimeoutSeconds"] = stepTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section));
        services.AddSharedTierProvisioning(configuration);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public static BuildTenantSide Command(string companyName, string? tenantId = null)
    {
        var id = tenantId ?? TenantIds.Generate(companyName);
        return new BuildTenantSide
        {
            CorrelationId = TenantNames.CorrelationIdFor(id),
            TenantId = id,
            Side = TenantSideRoles.Current,
            DeploymentMode = DeploymentModes.Shared,
            CompanyName = companyName,
            SubscriptionTier = SubscriptionTiers.Free,
            OwnerEmail = "owner@example.com",
            AdminPasswordHash = "PBKDF2$SHA256$1$c2FsdA==$aGFzaA==",
            Pool = "default",
        };
    }

    public static async Task<(SharedProvisioningOutcome Outcome, List<ProvisioningProgress> Progress)> ProvisionAsync(
        IServiceProvider services, BuildTenantSide command)
    {
        var progress = new List<ProvisioningProgress>();
        var outcome = await services.GetRequiredService<SharedTenantProvisioner>().ProvisionAsync(command, p =>
        {
            lock (progress)
            {
                progress.Add(p);
            }
            return Task.CompletedTask;
        }, CancellationToken.None);
        return (outcome, progress);
    }

    public async Task DisposeAsync()
    {
        // Leave no route of these tests in the shared test nginx.
        await EdgeRoutes.RemoveTenantsUnderAsync("." + BaseDomain);
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        await Echo.DisposeAsync();
        await Pool.DisposeAsync();
        if (Directory.Exists(SecretsDirectory))
        {
            Directory.Delete(SecretsDirectory, recursive: true);
        }
    }
}

/// <summary>
/// One pool, nginx and echo backend for every class that works on them, one class at a time: the fixture's cleanup
/// removes every route under its domain, which would pull routes from under a class still running beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedPoolCollection : ICollectionFixture<SharedPoolFixture>
{
    public const string Name = "shared pool";
}
