using MassTransit;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using MechanicBuddy.TenantRegistry.Infrastructure.Sagas;
using MechanicBuddy.TenantRegistry.Pools;
using MechanicBuddy.TenantRegistry.StateMachines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.TenantRegistry;

/// <summary>The provisioning saga on the in-memory harness, but stored by our Npgsql repository in a real, migrated registry database.</summary>
public static class RegistryHarness
{
    public static Task<(ServiceProvider Provider, TestDatabase Database)> StartAsync(params SharedPoolOptions[] pools) =>
        StartAsync(startDispatcher: true, pools);

    public static Task<(ServiceProvider Provider, TestDatabase Database)> StartAsync(bool startDispatcher, params SharedPoolOptions[] pools) =>
        StartAsync(startDispatcher, new ProvisioningTimeoutOptions(), pools);

    /// <param name="startDispatcher">False plays a registry that crashed after committing: messages stay in the outbox.</param>
    public static async Task<(ServiceProvider Provider, TestDatabase Database)> StartAsync(bool startDispatcher, ProvisioningTimeoutOptions timeouts,
        params SharedPoolOptions[] pools)
    {
        var database = await TestDatabase.CreateAsync("mbt_reg");
        var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await RegistryDatabase.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);
        var options = new ProvisioningOptions { FreeTier = new FreeTierOptions { Pools = [.. pools] }, Timeouts = timeouts };
        var provider = new ServiceCollection()
            .AddSingleton(dataSource)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(options))
            .AddSingleton<ITenantAdmission, NpgsqlTenantAdmission>()
            .AddSharedPools()
            .AddSingleton<IProvisioningLog, NpgsqlProvisioningLog>()
            .AddSingleton<ISagaMessageOutbox, TransactionalSagaOutbox>()
            .AddSingleton<CrashPoints>()
            .AddSingleton<OutboxDispatcher>()
            .AddSingleton<IOutboxCommitted>(sp => startDispatcher ? sp.GetRequiredService<OutboxDispatcher>() : new NothingDelivered())
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .AddSingleton<DeadlineWatcher>()
            .AddLogging()
            .AddMassTransitTestHarness(x =>
            {
                x.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(1));
                x.AddSagaStateMachine<TenantLifecycleStateMachine, TenantState>((context, saga) =>
                    {
                        saga.UseMessageRetry(r => r.Immediate(10));
                        saga.UseInMemoryOutbox(context);
                    })
                    .NpgsqlRepository<TenantState, TenantSagaTable>();
                x.AddConsumer<MechanicBuddy.TenantRegistry.Consumers.TenantProvisioningProgressedConsumer>();
            })
            .BuildServiceProvider(true);
        await provider.GetRequiredService<MassTransit.Testing.ITestHarness>().Start();
        if (startDispatcher)
        {
            await provider.GetRequiredService<OutboxDispatcher>().StartAsync(CancellationToken.None);
        }
        return (provider, database);
    }
}

/// <summary>A registry that crashes right after each commit: nothing is handed over for delivery.</summary>
sealed class NothingDelivered : IOutboxCommitted
{
    public Task DeliverCommittedAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) => Task.CompletedTask;
}
