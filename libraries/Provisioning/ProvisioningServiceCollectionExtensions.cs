using System.Text.Json;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Routing.Nginx;
using MechanicBuddy.Provisioning.Routing.Npm;
using MechanicBuddy.Provisioning.Secrets;
using MechanicBuddy.Provisioning.Steps;
using Microsoft.Extensions.Configuration;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;

namespace MechanicBuddy.Provisioning;

/// <summary>What both workers need: the step runner, the tenant secret store and the edge route driver.</summary>
public static class ProvisioningServiceCollectionExtensions
{
    public static IServiceCollection AddProvisioningSteps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FaultInjectionOptions>().Bind(configuration.GetSection(FaultInjectionOptions.Section));
        services.AddOptions<StepOptions>().Bind(configuration.GetSection(StepOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.TryAddSingleton(new CrashPoints(configuration));
        services.AddSingleton<StepRunner>();
        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProvisioningInbox>();
        services.AddHostedService<InboxPruner>();
        services.AddSingleton<ITenantSecretStore, FileTenantSecretStore>();
        return services;
    }

    public static IServiceCollection AddTenantRouting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NginxReloader>();
        services.AddHttpClient(NginxRouteDriver.ProbeClient, c => c.Timeout = TimeSpan.FromSeconds(2));
        services.AddRefitGeneratedClient<INginxProxyManagerApi>(new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web))))
            .ConfigureHttpClient((sp, c) => c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Npm.BaseUrl));
        services.AddSingleton<NginxRouteDriver>();
        services.AddHostedService<NginxServerBlockImport>();
        services.AddSingleton<NpmRouteDriver>();
        services.AddSingleton<ITenantRouteDriver>(sp => sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Driver == "npm"
            ? sp.GetRequiredService<NpmRouteDriver>()
            : sp.GetRequiredService<NginxRouteDriver>());
        return services;
    }
}
