using MechanicBuddy.Tenancy;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.SharedTierProvisioner.Consumers;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.SharedTierProvisioner.Extensions;

public static class SharedTierProvisionerExtensions
{
    /// <summary>Everything Path 1 needs except the bus, so tests and the benchmark can build the provisioner without RabbitMQ.</summary>
    public static IServiceCollection AddSharedTierProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProvisioningSteps(configuration);
        services.AddTenantRouting(configuration);
        services.AddSingleton<SharedPools>();
        services.AddSingleton<SharedPoolSchemas>();
        services.AddSingleton<ShopSchemaMigrator>();
        services.AddSingleton<SharedTenantProvisioner>();
        return services;
    }

    public static WebApplicationBuilder AddSharedTierProvisioner(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(requirePoolConnectionStrings: true);
        builder.Services.AddOptions<InventoryApiOptions>().Bind(builder.Configuration.GetSection(InventoryApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSharedTierProvisioning(builder.Configuration);
        builder.AddMechanicBuddyBus(x =>
        {
            x.AddConsumer<BuildSharedSideConsumer>().Endpoint(e => e.Name = QueueNames.ProvisionSharedTenant);
            x.AddConsumer<RemoveSharedSideConsumer>().Endpoint(e => e.Name = QueueNames.DeprovisionSharedTenant);
            x.AddConsumer<SetSharedTenantAccessConsumer>().Endpoint(e => e.Name = QueueNames.SetSharedTenantAccess);
            x.AddConsumer<MigrateSharedSchemaConsumer>().Endpoint(e => e.Name = QueueNames.MigrateSharedTenantSchema);
        }, (_, bus) => WorkerAnswerExchanges.PublishAs(bus, DeploymentModes.Shared));
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
        foreach (var pool in await app.Services.GetRequiredService<SharedPools>().NamesAsync(app.Lifetime.ApplicationStopping))
        {
            await schemas.PreparePoolAsync(pool, app.Lifetime.ApplicationStopping);
        }
    }
}
