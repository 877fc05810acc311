using MechanicBuddy.Tenancy;
using k8s;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Consumers;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Extensions;

public static class DedicatedProvisionerExtensions
{
    /// <summary>Everything Path 2 needs except the bus, so tests and the benchmark can build a platform without RabbitMQ.</summary>
    public static IServiceCollection AddDedicatedProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProvisioningSteps(configuration);
        services.AddTenantRouting(configuration);
        services.AddOptions<DedicatedPlatformOptions>().Bind(configuration.GetSection(DedicatedPlatformOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KubernetesOptions>().Bind(configuration.GetSection(KubernetesOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ShopSchemaMigrator>();

        services.AddSingleton<PostgresInstances>();
        services.AddSingleton<InstanceDatabase>();
        services.AddSingleton<SingleHostPlatform>();

        // The client is made only when the Kubernetes platform is used: a single-host install has no cluster to reach.
        services.AddSingleton<IKubernetes>(sp => new Kubernetes(ClientConfiguration(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value)));
        services.AddSingleton<TenantNamespaces>();
        services.AddSingleton<HelmCli>();
        services.AddSingleton<TenantIngress>();
        services.AddSingleton<KubernetesPlatform>();

        services.AddSingleton<TierChange.TenantDataMover>();

        services.AddSingleton<IDedicatedPlatform>(sp =>
            sp.GetRequiredService<IOptions<DedicatedPlatformOptions>>().Value.Resolve(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value) == DedicatedPlatforms.Kubernetes
                ? sp.GetRequiredService<KubernetesPlatform>()
                : sp.GetRequiredService<SingleHostPlatform>());
        return services;
    }

    static KubernetesClientConfiguration ClientConfiguration(KubernetesOptions kube)
    {
        if (kube.InCluster)
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        if (!string.IsNullOrWhiteSpace(kube.KubeConfigPath))
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kube.KubeConfigPath, kube.Context);
        }
        if (!string.IsNullOrWhiteSpace(kube.Host))
        {
            return new KubernetesClientConfiguration { Host = kube.Host };
        }
        throw new InvalidOperationException("the Kubernetes platform needs Kubernetes:InCluster, Kubernetes:KubeConfigPath or Kubernetes:Host");
    }

    public static WebApplicationBuilder AddDedicatedProvisioner(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.Services.AddOptions<InventoryApiOptions>().Bind(builder.Configuration.GetSection(InventoryApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddDedicatedProvisioning(builder.Configuration);
        builder.Services.AddHostedService<InstanceSupervisor>();
        builder.Services.AddOptions<RabbitMqOptions>().Bind(builder.Configuration.GetSection(RabbitMqOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<DedicatedWorkQueue>();
        builder.AddMechanicBuddyBus(x =>
        {
            x.AddConsumer<BuildDedicatedSideConsumer>().Endpoint(e => e.Name = QueueNames.ProvisionDedicatedTenant);
            x.AddConsumer<RemoveDedicatedSideConsumer>().Endpoint(e => e.Name = QueueNames.DeprovisionDedicatedTenant);
            x.AddConsumer<SetDedicatedTenantAccessConsumer>().Endpoint(e => e.Name = QueueNames.SetDedicatedTenantAccess);
            x.AddConsumer<MoveTenantDataConsumer>().Endpoint(e => e.Name = QueueNames.MoveTenantData);
            x.AddConsumer<ResizeDedicatedTenantConsumer>().Endpoint(e => e.Name = QueueNames.ResizeDedicatedTenant);
            x.AddConsumer<MigrateDedicatedSchemaConsumer>().Endpoint(e => e.Name = QueueNames.MigrateDedicatedTenantSchema);
        }, (_, bus) => WorkerAnswerExchanges.PublishAs(bus, DeploymentModes.Dedicated));
        return builder;
    }

    public static void LogPlatform(this WebApplication app)
    {
        var platform = app.Services.GetRequiredService<IDedicatedPlatform>();
        app.Logger.LogInformation("Dedicated tenants are built on the {Platform} platform", platform.Name);
        if (app.Services.GetRequiredService<IOptions<FaultInjectionOptions>>().Value.FailAfterStep is { } step)
        {
            app.Logger.LogWarning("FAULT INJECTION ON: every dedicated provisioning fails after step {Step}", step);
        }
    }
}
