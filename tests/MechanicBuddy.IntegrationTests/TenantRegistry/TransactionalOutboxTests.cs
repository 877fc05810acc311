using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace MechanicBuddy.IntegrationTests.TenantRegistry;

/// <summary>The saga's commands and events are committed with its state and delivered after the commit, even across a crash.</summary>
public sealed class TransactionalOutboxTests
{
    static ProvisionTenant Signup(string company)
    {
        var id = TenantIds.Generate(company);
        return new ProvisionTenant
        {
            CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, CompanyName = company, SubscriptionTier = "free",
            OwnerEmail = $"{id}@example.com", AdminPasswordHash = "PBKDF2$SHA256$1$x$y", RequestedAt = DateTimeOffset.UtcNow,
        };
    }

    [Fact]
    public async Task A_command_decided_before_a_crash_is_in_the_outbox_with_the_state_and_is_delivered_after_restart()
    {
        // The registry "crashes" right after the commit: nothing delivers the outbox.
        var (provider, database) = await RegistryHarness.StartAsync(startDispatcher: false, new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 10 });
        await using (database)
        await using (provider)
        {
            var harness = provider.GetRequiredService<ITestHarness>();
            var signup = Signup("Outbox Garage");
            var accepted = await harness.GetRequestClient<ProvisionTenant>().GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(signup);
            Assert.True(accepted.Is(out Response<TenantProvisioningAccepted>? _));

            // State and command are both committed; the command has not reached the broker.
            Assert.Equal("Provisioning", await database.ScalarAsync<string>("SELECT current_state FROM tenant_sagas WHERE tenant_id = @t", ("t", signup.TenantId)));
            var stored = await database.ScalarAsync<string>("SELECT body::text FROM outbox_messages WHERE correlation_id = @c", ("c", signup.CorrelationId));
            Assert.Contains(signup.TenantId, stored, StringComparison.Ordinal);
            Assert.Equal("exchange:provision-shared-tenant",
                await database.ScalarAsync<string>("SELECT destination FROM outbox_messages WHERE correlation_id = @c", ("c", signup.CorrelationId)));
            Assert.False(await harness.Sent.Any<BuildTenantSide>(x => x.Context.Message.TenantId == signup.TenantId));

            // "Restart": the dispatcher delivers it once, and the row is gone.
            var dispatcher = provider.GetRequiredService<OutboxDispatcher>();
            Assert.Equal(1, await dispatcher.DeliverBatchAsync(TimeSpan.Zero, CancellationToken.None));
            var sent = harness.Sent.Select<BuildTenantSide>(x => x.Context.Message.TenantId == signup.TenantId).Single();
            Assert.Equal("default", sent.Context.Message.Pool);
            Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
            Assert.Equal(0, await dispatcher.DeliverBatchAsync(TimeSpan.Zero, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_rejected_signup_and_a_lost_race_leave_nothing_in_the_outbox()
    {
        var (provider, database) = await RegistryHarness.StartAsync(startDispatcher: false, new SharedPoolOptions { Name = "default", MaxTenantsPerInstance = 1 });
        await using (database)
        await using (provider)
        {
            var client = provider.GetRequiredService<ITestHarness>().GetRequestClient<ProvisionTenant>();
            var first = Signup("First In Line");
            var sameShop = Enumerable.Range(0, 4).Select(_ => Signup("First In Line") with { OwnerEmail = first.OwnerEmail }).ToList();

            var answers = await Task.WhenAll(new[] { first }.Concat(sameShop).Select(s =>
                client.GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(s, timeout: RequestTimeout.After(s: 30))));
            var full = await client.GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(Signup("No Room Motors"));

            Assert.Single(answers, a => a.Is(out Response<TenantProvisioningAccepted>? _));
            Assert.True(full.Is(out Response<TenantRequestRejected>? rejected) && rejected.Message.Code == "capacity");
            // One tenant was admitted, so exactly one command waits; the refused and the raced ones left none.
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
        }
    }
}
