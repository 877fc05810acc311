using MassTransit;
using MassTransit.Middleware;
using MechanicBuddy.Contracts;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.TenantRegistry.Api;
using MechanicBuddy.TenantRegistry.Consumers;
using MechanicBuddy.TenantRegistry.Fleet;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using MechanicBuddy.TenantRegistry.Infrastructure.Sagas;
using MechanicBuddy.TenantRegistry.Pools;
using MechanicBuddy.TenantRegistry.StateMachines;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Extensions;

public static class TenantRegistryExtensions
{
    /// <summary>The queue of the tenant lifecycle saga.</summary>
    public const string LifecycleEndpoint = "tenant-state";

    public static WebApplicationBuilder AddTenantRegistry(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        var connectionString = builder.Configuration.GetConnectionString("Registry")
            ?? throw new InvalidOperationException("ConnectionStrings:Registry is required");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RegistryApiOptions>().Bind(builder.Configuration.GetSection(RegistryApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ITenantAdmission, NpgsqlTenantAdmission>();
        builder.Services.AddSharedPools();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PoolKeeper>());
        builder.Services.AddSingleton<IProvisioningLog, NpgsqlProvisioningLog>();
        builder.Services.AddSingleton<TenantQueries>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<TenantEventFeed>();
        builder.Services.AddSingleton<ISagaMessageOutbox, TransactionalSagaOutbox>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddSingleton<IOutboxCommitted>(sp => sp.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddHostedService<DeadlineWatcher>();
        builder.Services.AddHostedService<DedicatedWorkQueue>();
        builder.Services.AddHostedService<RetiredQueues>();
        builder.Services.AddOptions<FleetOptions>().Bind(builder.Configuration.GetSection(FleetOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FleetMigrationStore>();
        builder.Services.AddHostedService<FleetMigrationDriver>();
        builder.Services.AddHealthChecks().AddCheck<RegistryDatabaseHealthCheck>("registry-database", tags: [HostingExtensions.ReadyTag]);

        builder.AddMechanicBuddyBus(x =>
        {
            // Messages of one tenant are handled one after another, in the order they reached the queue (others in
            // parallel): concurrent copies of a signup (an Idempotency-Key sent ten times), or a tenant's two removals
            // confirmed together, would otherwise collide on the row and burn retries.
            var partition = new Partitioner(16, new Murmur3UnsafeHashGenerator());
            x.AddSagaStateMachine<TenantLifecycleStateMachine, TenantState>((context, saga) =>
                {
                    saga.Message<ProvisionTenant>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<DeprovisionTenant>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<RetryProvisioning>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<TenantSideBuilt>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<TenantSideBuildFailed>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<TenantSideRemoved>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<DedicatedTenantResized>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    saga.Message<DedicatedTenantResizeFailed>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
                    // Responses leave only after the saga row is committed; commands and events go through the
                    // transactional outbox (committed with the row, delivered by the OutboxDispatcher).
                    saga.UseInMemoryOutbox(context);
                })
                .NpgsqlRepository<TenantState, TenantSagaTable>()
                .Endpoint(e => e.Name = LifecycleEndpoint);
            // The workers' answers come through an exchange per path (which worker sent one is the exchange it came by).
            x.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && name is LifecycleEndpoint or QueueNames.FleetMigrations)
                {
                    WorkerAnswerExchanges.BindAll(rabbit, name == LifecycleEndpoint ? WorkerAnswerExchanges.SideAnswers : WorkerAnswerExchanges.FleetAnswers);
                }
            });
            // Progress is for watching (every outcome repeats its steps): a classic queue of its own, off the saga's
            // partitions, and the workers publish it transient, so it costs the broker no disk write.
            x.AddConsumer<TenantProvisioningProgressedConsumer>().Endpoint(e => e.Name = QueueNames.Progress);
            x.AddConsumer<FleetMigrationAnswersConsumer>().Endpoint(e => e.Name = QueueNames.FleetMigrations);
        });
        return builder;
    }

    public static async Task<WebApplication> UseTenantRegistryAsync(this WebApplication app)
    {
        await RegistryDatabase.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Logger, app.Lifetime.ApplicationStopping);
        app.MapServiceDefaults();
        app.MapTenantQueries();
        app.MapFleetMigrations();
        app.MapPools();
        app.MapAuditAndEvents();
        return app;
    }
}
