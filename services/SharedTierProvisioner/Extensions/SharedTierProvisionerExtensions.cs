using System.Text.Json;
using MechanicBuddy.Contracts;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.SharedTierProvisioner.Consumers;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Routing;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Routing.Nginx;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Routing.Npm;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Secrets;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;
using Refit;

namespace MechanicBuddy.SharedTierProvisioner.Extensions;

public static class SharedTierProvisionerExtensions
{
    /// <summary>Everything Path 1 needs except the bus, so tests and the benchmark can build the provisioner without RabbitMQ.</summary>
    public static IServiceCollection AddSharedTierProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.Section));
        services.AddOptions<FaultInjectionOptions>().Bind(configuration.GetSection(FaultInjectionOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SharedPools>();
        services.AddSingleton<SharedPoolSchemas>();
        services.AddSingleton<ShopSchemaMigrator>();
        services.AddSingleton<ITenantSecretStore, FileTenantSecretStore>();
        services.AddSingleton<SharedTenantProvisioner>();
        services.AddSingleton<NginxReloader>();
        services.AddHttpClient(NginxRouteDriver.ProbeClient, c => c.Timeout = TimeSpan.FromSeconds(2));
        services.AddRefitGeneratedClient<INginxProxyManagerApi>(new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web))))
            .ConfigureHttpClient((sp, c) => c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Npm.BaseUrl));
        services.AddSingleton<NginxRouteDriver>();
        services.AddSingleton<NpmRouteDriver>();
        services.AddSingleton<ITenantRouteDriver>(sp => sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Driver == "npm"
            ? sp.GetRequiredService<NpmRouteDriver>()
            : sp.GetRequiredService<NginxRouteDriver>());
        return services;
    }

    public static WebApplicationBuilder AddSharedTierProvisioner(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(requirePoolConnectionStrings: true);
        builder.Services.AddSharedTierProvisioning(builder.Configuration);
        builder.AddMechanicBuddyBus(x =>
        {
            x.AddConsumer<ProvisionSharedTenantConsumer>().Endpoint(e => e.Name = QueueNames.ProvisionSharedTenant);
            x.AddConsumer<DeprovisionSharedTenantConsumer>().Endpoint(e => e.Name = QueueNames.DeprovisionSharedTenant);
        });
        return builder;
    }

    public static async Task WarnAboutFaultInjectionAsync(this WebApplication app)
    {
        var faults = app.Services.GetRequiredService<IOptions<FaultInjectionOptions>>().Value;
        if (faults.FailAfterStep is { } step)
        {
            app.Logger.LogWarning("FAULT INJECTION ON: every shared provisioning fails after step {Step}", step);
        }
        // Lock each pool down before the first signup rather than inside it.
        var schemas = app.Services.GetRequiredService<SharedPoolSchemas>();
        foreach (var pool in app.Services.GetRequiredService<SharedPools>().Names)
        {
            await schemas.PreparePoolAsync(pool, app.Lifetime.ApplicationStopping);
        }
    }
}
