using MassTransit;
using MechanicBuddy.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>MassTransit on RabbitMQ the same way in every service: kebab-case endpoints, quorum queues, bounded concurrency, in-process retry.</summary>
public static class BusExtensions
{
    /// <summary>
    /// Queues that stay classic under <see cref="RabbitMqOptions.QuorumQueues"/>: they carry only messages for watching,
    /// published transient, which a quorum queue would write to its log anyway.
    /// </summary>
    public static readonly IReadOnlySet<string> ClassicQueues = new HashSet<string>(StringComparer.Ordinal) { QueueNames.Progress };

    public static WebApplicationBuilder AddMechanicBuddyBus(this WebApplicationBuilder builder, Action<IBusRegistrationConfigurator> register,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>()
            .Bind(builder.Configuration.GetSection(RabbitMqOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<BusWatchdog>();

        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // MassTransit reports usage to its vendor by default; a control plane holding customer data sends nothing out.
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            register(x);
            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rmq && rabbit.QuorumQueues && !ClassicQueues.Contains(name))
                {
                    rmq.SetQuorumQueue();
                }
                endpoint.ConcurrentMessageLimit = rabbit.ConcurrentMessageLimit;
                // The broker has no delayed-exchange plugin, so retries stay in-process; a saga's optimistic
                // concurrency conflict is the common case and resolves on an immediate reload, and the longer tail
                // (~30 s in all) outlasts a database restart instead of parking the message in _error.
                endpoint.UseMessageRetry(r => r.Intervals(10, 50, 250, 1000, 2000, 4000, 8000, 15000));
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                });
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
