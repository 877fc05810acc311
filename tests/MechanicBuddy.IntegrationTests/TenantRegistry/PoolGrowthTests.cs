using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Pools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.TenantRegistry;

/// <summary>
/// The shared tier grows by itself, on a real PostgreSQL: pool databases are created and prepared as signups need
/// them, each exactly once however many signups race for it; a server at its MaxPools is skipped; a pool whose
/// preparation did not finish takes no tenant until it is prepared.
/// </summary>
public sealed class PoolGrowthTests : IAsyncLifetime
{
    readonly List<string> _servers = [];
    TestDatabase _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await TestDatabase.CreateAsync("mbt_pools");
        await using var dataSource = NpgsqlDataSource.Create(_registry.ConnectionString);
        await RegistryDatabase.MigrateAsync(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"));
        await server.OpenAsync();
        foreach (var name in _servers)
        {
            await using var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @pattern", server);
            list.Parameters.AddWithValue("pattern", SharedPoolNames.DatabaseLikePattern(name));
            var databases = new List<string>();
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    databases.Add(reader.GetString(0));
                }
            }
            foreach (var database in databases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE); DROP ROLE IF EXISTS \"{database}_tenants\"", server);
                await drop.ExecuteNonQueryAsync();
            }
        }
        await _registry.DisposeAsync();
    }

    string NewServer()
    {
        var name = $"g{Guid.NewGuid():N}"[..9];
        _servers.Add(name);
        return name;
    }

    SharedServerOptions Server(string name, int maxPools, string? admin = null) => new()
    {
        Name = name, MaxPools = maxPools, PostgresConnectionString = TestEnvironment.ConnectionString("mechanicbuddy_registry"),
        AdminConnectionString = admin ?? TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"),
    };

    ServiceProvider Registry(int perPool, params SharedServerOptions[] servers) => Registry(perPool, headroom: 1, servers);

    ServiceProvider Registry(int perPool, int headroom, params SharedServerOptions[] servers)
    {
        var options = new ProvisioningOptions { FreeTier = new FreeTierOptions { MaxTenantsPerInstance = perPool, PoolHeadroom = headroom, Servers = [.. servers] } };
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(NpgsqlDataSource.Create(_registry.ConnectionString))
            .AddSingleton(Options.Create(options))
            .AddSingleton(new CrashPoints(new ConfigurationBuilder().Build()))
            .AddSharedPools()
            .AddSingleton<ITenantAdmission, NpgsqlTenantAdmission>()
            .BuildServiceProvider();
    }

    async Task<bool> PreparedAsync(string pool)
    {
        SharedPoolNames.TryParse(pool, out var server, out var number);
        await using var connection = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(SharedPoolNames.Database(server, number)));
        await connection.OpenAsync();
        await using var check = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = 'mechanicbuddy_control'", connection);
        return (long)(await check.ExecuteScalarAsync())! == 1;
    }

    static string[] Tenants(int count) => Enumerable.Range(0, count).Select(i => TenantIds.Generate($"Grow Garage {i}")).ToArray();

    [Fact]
    public async Task Twenty_concurrent_signups_create_each_pool_they_need_exactly_once()
    {
        var server = NewServer();
        await using var registry = Registry(perPool: 4, Server(server, maxPools: 10));
        var admission = registry.GetRequiredService<ITenantAdmission>();

        var placed = await Task.WhenAll(Tenants(20).Select(t => admission.ReserveSharedSlotAsync(t, CancellationToken.None)));

        Assert.All(placed, Assert.NotNull);
        var byPool = placed.GroupBy(p => p!).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(byPool.Values, count => Assert.True(count <= 4, $"a pool took {count} tenants"));
        var report = await registry.GetRequiredService<PoolCatalog>().ReportAsync(CancellationToken.None);
        var created = report.Pools.Where(p => p.Server == server).ToList();
        Assert.Equal(Enumerable.Range(1, 5).Select(n => SharedPoolNames.Pool(server, n)), created.Select(p => p.Name).Order());
        Assert.All(created, p => Assert.Equal(("Ready", 4), (p.State, p.Tenants)));
        foreach (var pool in created)
        {
            Assert.True(await PreparedAsync(pool.Name), $"{pool.Name} was not prepared");
        }
        Assert.Equal(5L, await _registry.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname LIKE @p", ("p", SharedPoolNames.DatabaseLikePattern(server))));
    }

    [Fact]
    public async Task A_server_at_its_pool_limit_is_skipped_and_a_signup_is_refused_only_when_every_server_is_full()
    {
        var (small, large) = (NewServer(), NewServer());
        await using var registry = Registry(perPool: 2, Server(small, maxPools: 1), Server(large, maxPools: 2));
        var admission = registry.GetRequiredService<ITenantAdmission>();

        foreach (var tenant in Tenants(6))
        {
            Assert.NotNull(await admission.ReserveSharedSlotAsync(tenant, CancellationToken.None));
        }
        var refused = await admission.ReserveSharedSlotAsync(TenantIds.Generate("One Too Many"), CancellationToken.None);

        Assert.Null(refused);
        var report = await registry.GetRequiredService<PoolCatalog>().ReportAsync(CancellationToken.None);
        Assert.Equal([(small, 1, 2), (large, 2, 4)], report.Servers.Select(s => (s.Name, s.Pools, s.Tenants)));
        Assert.Equal(0, report.PoolsWithRoom);
    }

    [Fact]
    public async Task A_pool_whose_preparation_did_not_finish_takes_no_tenant_until_it_is_prepared()
    {
        var server = NewServer();
        // The server's superuser login is wrong: the pool is decided and its preparation fails, as a crash half-way would leave it.
        var broken = new NpgsqlConnectionStringBuilder(TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry")) { Password = "wrong" }.ConnectionString;
        await using (var failing = Registry(perPool: 3, Server(server, maxPools: 2, admin: broken)))
        {
            Assert.Null(await failing.GetRequiredService<ITenantAdmission>().ReserveSharedSlotAsync(TenantIds.Generate("Early Bird"), CancellationToken.None));
            var half = Assert.Single((await failing.GetRequiredService<PoolCatalog>().ReportAsync(CancellationToken.None)).Pools);
            Assert.Equal(("Preparing", 0), (half.State, half.Tenants));
            Assert.Contains("password", half.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0L, await _registry.ScalarAsync<long>("SELECT count(*) FROM shared_pool_slots"));
        }

        await using var mended = Registry(perPool: 3, Server(server, maxPools: 2));
        var pool = await mended.GetRequiredService<ITenantAdmission>().ReserveSharedSlotAsync(TenantIds.Generate("Second Try"), CancellationToken.None);

        // The same pool, prepared now: no second one was decided for it.
        Assert.Equal(SharedPoolNames.Pool(server, 1), pool);
        Assert.True(await PreparedAsync(pool!));
        var ready = Assert.Single((await mended.GetRequiredService<PoolCatalog>().ReportAsync(CancellationToken.None)).Pools);
        Assert.Equal(("Ready", 1, (string?)null), (ready.State, ready.Tenants, ready.Error));
    }

    [Fact]
    public async Task The_shared_worker_builds_a_shop_in_a_pool_the_registry_created_and_finds_that_pool_on_its_server()
    {
        var server = NewServer();
        await using var registry = Registry(perPool: 5, Server(server, maxPools: 3));
        var command = SharedTierProvisioner.SharedPoolFixture.Command("Grown Pool Garage");
        var pool = await registry.GetRequiredService<ITenantAdmission>().ReserveSharedSlotAsync(command.TenantId, CancellationToken.None);
        Assert.Equal(SharedPoolNames.Pool(server, 1), pool);

        var shared = new SharedTierProvisioner.SharedPoolFixture();
        await shared.InitializeAsync();
        try
        {
            var worker = shared.Services(more: new Dictionary<string, string?>
            {
                // The server's connection budget counts every pool it may hold: small ones here.
                ["Provisioning:FreeTier:MaxTenantsPerInstance"] = "5",
                ["Provisioning:FreeTier:Servers:0:Name"] = server,
                ["Provisioning:FreeTier:Servers:0:MaxPools"] = "3",
                ["Provisioning:FreeTier:Servers:0:PostgresConnectionString"] = TestEnvironment.ConnectionString("mechanicbuddy_registry"),
            });
            var (outcome, _) = await SharedTierProvisioner.SharedPoolFixture.ProvisionAsync(worker, command with { Pool = pool });

            Assert.True(outcome is MechanicBuddy.SharedTierProvisioner.Provisioning.SharedProvisioningOutcome.Succeeded, outcome.ToString());
            Assert.Contains(pool, await worker.GetRequiredService<MechanicBuddy.SharedTierProvisioner.Infrastructure.Database.SharedPools>().NamesAsync(CancellationToken.None));
            SharedPoolNames.TryParse(pool!, out _, out var number);
            await using var database = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(SharedPoolNames.Database(server, number)));
            await database.OpenAsync();
            await using var schema = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = @schema", database);
            schema.Parameters.AddWithValue("schema", new TenantNames(command.TenantId).Schema);
            Assert.Equal(1L, (long)(await schema.ExecuteScalarAsync())!);
        }
        finally
        {
            await shared.DisposeAsync();
        }
    }

    [Fact]
    public async Task Tenants_go_to_the_least_loaded_server_and_the_headroom_keeps_pools_ready_on_both()
    {
        var (first, second) = (NewServer(), NewServer());
        (first, second) = string.CompareOrdinal(first, second) < 0 ? (first, second) : (second, first);
        await using var registry = Registry(perPool: 4, headroom: 2, Server(first, maxPools: 3), Server(second, maxPools: 3));
        var admission = registry.GetRequiredService<ITenantAdmission>();

        var placed = new List<string?>();
        foreach (var tenant in Tenants(4))
        {
            placed.Add(await admission.ReserveSharedSlotAsync(tenant, CancellationToken.None));
        }

        // Two pools made ready at once (one per server: the second pool goes where fewer are), then the tenants alternate
        // between the servers, each to the one with the smaller share of its capacity in use.
        var (a, b) = (SharedPoolNames.Pool(first, 1), SharedPoolNames.Pool(second, 1));
        Assert.Equal([a, b, a, b], placed);
        var report = await registry.GetRequiredService<PoolCatalog>().ReportAsync(CancellationToken.None);
        Assert.Equal([(first, 1, 2), (second, 1, 2)], report.Servers.Select(s => (s.Name, s.Pools, s.Tenants)));
    }

    [Fact]
    public async Task A_registry_killed_between_preparing_a_pool_and_marking_it_ready_puts_no_tenant_there_and_finishes_it_after_the_restart()
    {
        var server = NewServer();
        await using var broker = await RabbitVirtualHost.CreateAsync("pools");
        var user = TestEnvironment.BrokerUsers["TenantRegistry"];
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Registry"] = _registry.ConnectionString,
            ["RabbitMq__Port"] = TestEnvironment.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq__VirtualHost"] = broker.Name,
            ["RabbitMq__Username"] = user.Name,
            ["RabbitMq__Password"] = TestEnvironment.BrokerPassword(user.Name),
            ["Registry__ApiKey"] = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            ["Provisioning__FreeTier__MaxTenantsPerInstance"] = "3",
            // More headroom than a configured pool can give: the registry creates a pool on the server as it starts.
            ["Provisioning__FreeTier__PoolHeadroom"] = "2",
            ["Provisioning__FreeTier__Servers__0__Name"] = server,
            ["Provisioning__FreeTier__Servers__0__MaxPools"] = "2",
            ["Provisioning__FreeTier__Servers__0__PostgresConnectionString"] = TestEnvironment.ConnectionString("mechanicbuddy_registry"),
            ["Provisioning__FreeTier__Servers__0__AdminConnectionString"] = TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"),
            ["FaultInjection__CrashAfterSteps"] = PoolPreparer.CrashPoint,
            ["FaultInjection__CrashMarkerDirectory"] = Path.Combine(TestEnvironment.VarDirectory, $"pool-crash-{Guid.NewGuid():N}"),
        };
        var registry = ServiceProcess.Start("TenantRegistry", environment, $"pools-{server}");
        try
        {
            // The preparation reaches its crash point: SIGKILL after the database is made and prepared, before Ready.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!registry.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.True(registry.HasExited, registry.ReadLog());
            var first = SharedPoolNames.Pool(server, 1);
            Assert.Equal("Preparing", await _registry.ScalarAsync<string>("SELECT state FROM shared_pools WHERE name = @n", ("n", first)));
            Assert.True(await PreparedAsync(first));
            // Half-way it holds no tenant (placement takes Ready pools only, and an admission would finish it first).
            Assert.Equal(0L, await _registry.ScalarAsync<long>("SELECT count(*) FROM shared_pool_slots WHERE pool = @n", ("n", first)));

            registry = await registry.RestartAsync();
            await registry.WaitReadyAsync(TimeSpan.FromSeconds(90));

            deadline = DateTime.UtcNow.AddSeconds(60);
            while (await _registry.ScalarAsync<string>("SELECT state FROM shared_pools WHERE name = @n", ("n", first)) != "Ready" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            Assert.Equal("Ready", await _registry.ScalarAsync<string>("SELECT state FROM shared_pools WHERE name = @n", ("n", first)));
            Assert.Null(await _registry.ScalarAsync<string>("SELECT error FROM shared_pools WHERE name = @n", ("n", first)));
            // Finished, not decided again: one pool of that number on the server.
            Assert.Equal(1L, await _registry.ScalarAsync<long>("SELECT count(*) FROM shared_pools WHERE server = @s AND number = 1", ("s", server)));
        }
        finally
        {
            await registry.DisposeAsync();
        }
    }
}
