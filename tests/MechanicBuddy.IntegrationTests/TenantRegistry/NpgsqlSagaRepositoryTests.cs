using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Sagas;
using MechanicBuddy.TenantRegistry.StateMachines;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.TenantRegistry;

public sealed class NpgsqlSagaRepositoryTests
{
    static ProvisionTenant Signup(string company, string email, string tier = "free")
    {
        var id = TenantIds.Generate(company);
        return new ProvisionTenant
        {
            CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, CompanyName = company, SubscriptionTier = tier, OwnerEmail = email,
            AdminPasswordHash = "PBKDF2$SHA256$1$x$y", RequestedAt = DateTimeOffset.UtcNow,
        };
    }

    static Task<Response<TenantProvisioningAccepted, TenantRequestRejected>> RequestAsync(IServiceProvider provider, ProvisionTenant signup) =>
        provider.GetRequiredService<ITestHarness>().GetRequestClient<ProvisionTenant>()
            .GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(signup, timeout: RequestTimeout.After(s: 30));

    [Fact]
    public async Task The_saga_is_stored_loaded_and_advanced_in_postgresql()
    {
        var (provider, database) = await RegistryHarness.StartAsync(new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 10 });
        await using (database)
        await using (provider)
        {
            var harness = provider.GetRequiredService<ITestHarness>();
            var saga = harness.GetSagaStateMachineHarness<TenantLifecycleStateMachine, TenantState>();
            var signup = Signup("Stored Saga Motors", "stored@example.com");

            Assert.True((await RequestAsync(provider, signup)).Is(out Response<TenantProvisioningAccepted>? _));
            Assert.NotNull(await saga.Exists(signup.CorrelationId, m => m.Provisioning));
            Assert.Equal("Provisioning", await database.ScalarAsync<string>("SELECT current_state FROM tenant_sagas WHERE tenant_id = @t", ("t", signup.TenantId)));
            Assert.Equal("default", await database.ScalarAsync<string>("SELECT pool FROM tenant_sagas WHERE tenant_id = @t", ("t", signup.TenantId)));

            await harness.Bus.Publish(new TenantSideBuilt
            {
                CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Pool = "default", Schema = "s", TenantUrl = "https://t", ApiUrl = "https://t/api",
                Namespace = TenantNames.SharedNamespace, CompletedAt = DateTimeOffset.UtcNow,
            });

            Assert.NotNull(await saga.Exists(signup.CorrelationId, m => m.Active));
            Assert.Equal(2, await database.ScalarAsync<int>("SELECT version FROM tenant_sagas WHERE tenant_id = @t", ("t", signup.TenantId)));
            var entries = await database.ScalarAsync<long>("SELECT count(*) FROM provisioning_log WHERE tenant_id = @t", ("t", signup.TenantId));
            Assert.Equal(2, entries);
        }
    }

    [Fact]
    public async Task Worker_steps_are_in_the_log_when_the_tenant_turns_active_and_logged_once_whichever_way_they_arrive()
    {
        var (provider, database) = await RegistryHarness.StartAsync(new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 10 });
        await using (database)
        await using (provider)
        {
            var harness = provider.GetRequiredService<ITestHarness>();
            var signup = Signup("Logged Lugnuts", "log@example.com");
            await RequestAsync(provider, signup);
            var at = DateTimeOffset.UtcNow;
            var steps = new[] { "CreateSchema", "RunMigrations", "SeedData", "ConfigureRouting" }
                .Select((step, i) => new ProvisioningStepRecord { Step = step, Outcome = "completed", Message = step, Timestamp = at.AddMilliseconds(i) })
                .ToList();
            // Only the first step's progress event arrives before completion (the others were lost): the completion carries all four.
            await harness.Bus.Publish(new TenantProvisioningProgressed
            {
                CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Step = steps[0].Step, Outcome = steps[0].Outcome,
                Message = steps[0].Message, Timestamp = steps[0].Timestamp,
            });
            Assert.True(await harness.Consumed.Any<TenantProvisioningProgressed>());

            await harness.Bus.Publish(new TenantSideBuilt
            {
                CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Pool = "default", Schema = "s", TenantUrl = "https://t", ApiUrl = "https://t/api",
                Namespace = TenantNames.SharedNamespace, CompletedAt = DateTimeOffset.UtcNow, Steps = steps,
            });
            Assert.NotNull(await harness.GetSagaStateMachineHarness<TenantLifecycleStateMachine, TenantState>().Exists(signup.CorrelationId, m => m.Active));
            var log = provider.GetRequiredService<IProvisioningLog>();
            var atActive = await log.ReadAsync(signup.TenantId, CancellationToken.None);
            Assert.Equal(["Accepted", "CreateSchema", "RunMigrations", "SeedData", "ConfigureRouting", "Completed"], atActive.Select(e => e.Step));

            // The rest of the progress events arrive late and add nothing.
            foreach (var step in steps.Skip(1))
            {
                await harness.Bus.Publish(new TenantProvisioningProgressed
                {
                    CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Step = step.Step, Outcome = step.Outcome, Message = step.Message,
                    Timestamp = step.Timestamp,
                });
            }
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (harness.Consumed.Select<TenantProvisioningProgressed>().Count() < 4 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(atActive.Select(e => e.Step), (await log.ReadAsync(signup.TenantId, CancellationToken.None)).Select(e => e.Step));
        }
    }

    [Fact]
    public async Task A_stale_update_is_refused_with_a_concurrency_exception()
    {
        var (provider, database) = await RegistryHarness.StartAsync(new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 10 });
        await using (database)
        await using (provider)
        {
            var signup = Signup("Raced Radiators", "race@example.com");
            await RequestAsync(provider, signup);
            var table = new TenantSagaTable();

            await using var first = await OpenAsync(database, table);
            await using var second = await OpenAsync(database, table);
            var a = (await first.LoadAsync(signup.CorrelationId, CancellationToken.None))!;
            var b = (await second.LoadAsync(signup.CorrelationId, CancellationToken.None))!;
            a.FailureReason = "first writer";
            await first.UpdateAsync(a, CancellationToken.None);
            await first.CommitAsync(CancellationToken.None);

            b.FailureReason = "second writer";
            await Assert.ThrowsAsync<ConcurrencyException>(() => second.UpdateAsync(b, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Concurrent_signups_never_overfill_a_pool_and_spill_into_the_next()
    {
        var (provider, database) = await RegistryHarness.StartAsync(
            new SharedPoolOptions { Name = "pool-a", MaxTenantsPerInstance = 4 },
            new SharedPoolOptions { Name = "pool-b", MaxTenantsPerInstance = 3 });
        await using (database)
        await using (provider)
        {
            var signups = Enumerable.Range(0, 12).Select(i => Signup($"Crowd Shop {i}", $"crowd{i}@example.com")).ToList();

            var responses = await Task.WhenAll(signups.Select(s => RequestAsync(provider, s)));

            var accepted = responses.Select(r => r.Is(out Response<TenantProvisioningAccepted>? a) ? a.Message : null).OfType<TenantProvisioningAccepted>().ToList();
            var rejected = responses.Select(r => r.Is(out Response<TenantRequestRejected>? j) ? j.Message : null).OfType<TenantRequestRejected>().ToList();
            Assert.Equal(7, accepted.Count);
            Assert.Equal(4, accepted.Count(a => a.Pool == "pool-a"));
            Assert.Equal(3, accepted.Count(a => a.Pool == "pool-b"));
            Assert.Equal(5, rejected.Count);
            Assert.All(rejected, r => Assert.Equal("capacity", r.Code));
            Assert.Equal(7L, await database.ScalarAsync<long>("SELECT count(*) FROM shared_pool_slots"));
        }
    }

    [Fact]
    public async Task Concurrent_signups_of_one_shop_give_exactly_one_tenant()
    {
        var (provider, database) = await RegistryHarness.StartAsync(new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 50 });
        await using (database)
        await using (provider)
        {
            var signups = Enumerable.Range(0, 6).Select(_ => Signup("Popular Pit Stop", "same@example.com")).ToList();

            var responses = await Task.WhenAll(signups.Select(s => RequestAsync(provider, s)));

            Assert.Single(responses, r => r.Is(out Response<TenantProvisioningAccepted>? _));
            var rejected = responses.Select(r => r.Is(out Response<TenantRequestRejected>? j) ? j.Message : null).OfType<TenantRequestRejected>().ToList();
            Assert.Equal(5, rejected.Count);
            Assert.All(rejected, r => Assert.Equal("duplicate", r.Code));
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM tenant_sagas"));
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM shared_pool_slots"));
        }
    }

    static async Task<NpgsqlSagaDatabaseContext<TenantState>> OpenAsync(Support.TestDatabase database, TenantSagaTable table)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        return new NpgsqlSagaDatabaseContext<TenantState>(connection, await connection.BeginTransactionAsync(), table);
    }
}
