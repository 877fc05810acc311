using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.StateMachines;
using Microsoft.Extensions.DependencyInjection;

namespace MechanicBuddy.IntegrationTests.TenantRegistry;

/// <summary>Whole-provisioning timeouts from deadlines stored in PostgreSQL (the broker has no delayed-message plugin).</summary>
public sealed class DeadlineWatcherTests
{
    [Fact]
    public async Task A_provisioning_no_worker_finishes_is_timed_out_from_its_stored_deadline_and_its_removal_is_sent_until_confirmed()
    {
        var (provider, database) = await RegistryHarness.StartAsync(startDispatcher: true, new ProvisioningTimeoutOptions { SharedSeconds = 1, RemovalSeconds = 1 },
            new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 10 });
        await using (database)
        await using (provider)
        {
            var harness = provider.GetRequiredService<ITestHarness>();
            var saga = harness.GetSagaStateMachineHarness<TenantLifecycleStateMachine, TenantState>();
            var id = TenantIds.Generate("Stalled Starters");
            var signup = new ProvisionTenant
            {
                CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, CompanyName = "Stalled Starters", SubscriptionTier = "free",
                OwnerEmail = "stalled@example.com", AdminPasswordHash = "PBKDF2$SHA256$1$x$y", RequestedAt = DateTimeOffset.UtcNow,
            };
            await harness.GetRequestClient<ProvisionTenant>().GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(signup);
            var watcher = provider.GetRequiredService<DeadlineWatcher>();

            Assert.Equal(0, await watcher.PublishExpiredAsync(CancellationToken.None));
            Assert.NotNull(await database.ScalarAsync<DateTime?>("SELECT deadline_at FROM tenant_sagas WHERE tenant_id = @t", ("t", id)));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(1, await watcher.PublishExpiredAsync(CancellationToken.None));

            Assert.NotNull(await saga.Exists(signup.CorrelationId, m => m.Compensating));
            // The removal leaves through the outbox dispatcher, outside the harness's view of activity: give it time.
            await RemovalsSentAsync(1);
            Assert.Equal(0, await watcher.PublishExpiredAsync(CancellationToken.None));
            Assert.Equal("Compensating", await database.ScalarAsync<string>("SELECT current_state FROM tenant_sagas WHERE tenant_id = @t", ("t", id)));

            // No worker confirms the removal: past its own deadline it is sent again, and the tenant stays Compensating.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(1, await watcher.PublishExpiredAsync(CancellationToken.None));
            await RemovalsSentAsync(2);
            Assert.Equal("Compensating", await database.ScalarAsync<string>("SELECT current_state FROM tenant_sagas WHERE tenant_id = @t", ("t", id)));
            Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM provisioning_log WHERE tenant_id = @t AND step = 'RemovalOverdue'", ("t", id)));

            async Task RemovalsSentAsync(int expected)
            {
                var deadline = DateTime.UtcNow.AddSeconds(15);
                while (harness.Sent.Select<RemoveTenantSide>(x => x.Context.Message.TenantId == id).Count() < expected && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
                Assert.Equal(expected, harness.Sent.Select<RemoveTenantSide>(x => x.Context.Message.TenantId == id).Count());
            }
        }
    }
}
