using MechanicBuddy.ServiceDefaults;

namespace MechanicBuddy.DedicatedProvisioner.Extensions;

public static class DedicatedProvisionerExtensions
{
    /// <summary>
    /// The dedicated path's host. Its worker (namespace, Helm release, readiness; or a PostgreSQL instance per tenant
    /// on a single host) is not built yet: until it is, this service keeps its queue declared and reports health, and
    /// ProvisionDedicatedTenant commands wait in "provision-dedicated-tenant" for it.
    /// </summary>
    public static WebApplicationBuilder AddDedicatedProvisioner(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.Services.AddOptions<RabbitMqOptions>().Bind(builder.Configuration.GetSection(RabbitMqOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<DedicatedWorkQueue>();
        return builder;
    }
}
