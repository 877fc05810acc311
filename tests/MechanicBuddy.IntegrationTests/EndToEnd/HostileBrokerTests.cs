using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// A local process on the broker: with the old default login it gets nowhere, and even holding the Gateway's (or a
/// worker's) login it cannot send the commands that remove or change a tenant's infrastructure; only the registry can.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class HostileBrokerTests(ControlPlaneFixture plane)
{
    ConnectionFactory Factory(string user, string password) => new()
    {
        HostName = "127.0.0.1", Port = TestEnvironment.AmqpPort, VirtualHost = plane.Broker.Name, UserName = user, Password = password,
    };

    [Fact]
    public async Task The_default_guest_login_is_gone()
    {
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => Factory("guest", "guest").CreateConnectionAsync());
    }

    /// <summary>
    /// Every message on the bus (a contract about a tenant: it names the TenantId) is in exactly one of the broker's exchange groups, so
    /// a new message cannot slip past the permissions by being in none.
    /// </summary>
    [Fact]
    public void Every_message_type_has_its_writers_named_in_the_broker_permissions()
    {
        var groups = TestEnvironment.BrokerExchangeGroups.ToDictionary(g => g.Key, g => new Regex($"^({g.Value})$"));
        var messages = typeof(ProvisionTenant).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(ProvisionTenant).Namespace && t.GetProperty("TenantId") is not null)
            .Select(t => $"{t.Namespace}:{t.Name}")
            .ToList();

        Assert.True(messages.Count >= 30, $"only {messages.Count} message types found");
        Assert.All(messages, exchange => Assert.Single(groups, g => g.Value.IsMatch(exchange)));
    }

    /// <summary>A worker's commands (a dedicated one carries the owner's password hash) are read by that worker alone.</summary>
    [Theory]
    [InlineData("Gateway", QueueNames.ProvisionDedicatedTenant)]
    [InlineData("Gateway", QueueNames.ProvisionSharedTenant)]
    [InlineData("SharedTierProvisioner", QueueNames.ProvisionDedicatedTenant)]
    [InlineData("DedicatedProvisioner", QueueNames.ProvisionSharedTenant + "_error")]
    public async Task No_other_service_can_take_a_workers_commands_off_its_queue(string service, string queue)
    {
        var user = TestEnvironment.BrokerUsers[service];
        await using var connection = await Factory(user.Name, TestEnvironment.BrokerPassword(user.Name)).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();

        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => channel.BasicGetAsync(queue, autoAck: true));

        Assert.Contains("ACCESS_REFUSED", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway", QueueNames.DeprovisionSharedTenant)]
    [InlineData("Gateway", "MechanicBuddy.Contracts:RemoveTenantSide")]
    [InlineData("Gateway", QueueNames.MoveTenantData)]
    [InlineData("SharedTierProvisioner", QueueNames.DeprovisionDedicatedTenant)]
    [InlineData("DedicatedProvisioner", QueueNames.DeprovisionSharedTenant)]
    [InlineData("DedicatedProvisioner", "MechanicBuddy.Contracts:SetTenantAccess")]
    [InlineData("Gateway", "")]
    [InlineData("SharedTierProvisioner", "")]
    // A worker's outcome drives the registry, and the lifecycle events drive billing: nobody may speak for another.
    [InlineData("Gateway", "MechanicBuddy.Contracts:TenantSideRemoved")]
    [InlineData("Gateway", "MechanicBuddy.Contracts:TenantDataMoved")]
    [InlineData("Gateway", "MechanicBuddy.Contracts:TenantAccessSet")]
    [InlineData("Gateway", "MechanicBuddy.Contracts:TenantDeprovisioned")]
    [InlineData("SharedTierProvisioner", "MechanicBuddy.Contracts:TenantDataMoved")]
    [InlineData("SharedTierProvisioner", "MechanicBuddy.Contracts:DeprovisionTenant")]
    [InlineData("SharedTierProvisioner", "MechanicBuddy.Contracts:TenantSuspended")]
    [InlineData("DedicatedProvisioner", "MechanicBuddy.Contracts:RemoveTenantSide")]
    [InlineData("DedicatedProvisioner", "MechanicBuddy.Contracts:TenantProvisioned")]
    public async Task A_service_other_than_the_registry_cannot_send_a_command_that_changes_infrastructure(string service, string exchange)
    {
        var signup = await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = $"Broker Target {Guid.NewGuid():N}"[..24], subscriptionTier = "free", ownerEmail = "owner@brokertarget.example" }));
        Assert.Equal("Active", signup.Status);
        var user = TestEnvironment.BrokerUsers[service];
        await using var connection = await Factory(user.Name, TestEnvironment.BrokerPassword(user.Name)).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var forged = Encoding.UTF8.GetBytes($$"""{"message":{"correlationId":"{{Guid.NewGuid()}}","tenantId":"{{signup.TenantId}}","side":"current","deploymentMode":"shared","pool":"default"},"messageType":["urn:message:MechanicBuddy.Contracts:RemoveTenantSide"]}""");

        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
        {
            // The default exchange ("") routes by queue name straight to the worker's queue.
            await channel.BasicPublishAsync(exchange, exchange.Length == 0 ? QueueNames.DeprovisionSharedTenant : "", forged);
            // The broker answers a refused publish by closing the channel; the next call on it sees why.
            await channel.ExchangeDeclarePassiveAsync(exchange.Length == 0 ? "amq.direct" : exchange);
        });

        Assert.Contains("ACCESS_REFUSED", refused.Message, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var tenant = (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{signup.TenantId}", Json))!;
        Assert.Equal("Active", tenant.Status);
        Assert.True(await new TenantSides(plane).HasPoolSchemaAsync(signup.TenantId));
    }

    /// <summary>
    /// A worker answers on its own path's exchanges only: the shared worker's login claiming, on its own exchange, that a
    /// dedicated tenant is built (with a URL of its choosing) changes nothing, and it can write neither the dedicated
    /// worker's exchange nor the base one the registry also listens on.
    /// </summary>
    [Fact]
    public async Task A_worker_cannot_answer_for_the_other_paths_worker()
    {
        var response = await SignUpAsync(plane.Client,
            new { companyName = $"Forged Answer {Guid.NewGuid():N}"[..24], subscriptionTier = "professional", ownerEmail = "owner@forgedanswer.example" }, waitSeconds: null);
        var tenantId = (await ResultAsync(response)).TenantId;
        var shared = TestEnvironment.BrokerUsers["SharedTierProvisioner"];
        await using var connection = await Factory(shared.Name, TestEnvironment.BrokerPassword(shared.Name)).CreateConnectionAsync();
        var forged = Encoding.UTF8.GetBytes($$"""
            {"message":{"correlationId":"{{TenantNames.CorrelationIdFor(tenantId)}}","tenantId":"{{tenantId}}","side":"current","deploymentMode":"dedicated",
            "platform":"single-host","namespace":"tenant-{{tenantId}}","tenantUrl":"https://evil.example","apiUrl":"https://evil.example/api","completedAt":"{{DateTimeOffset.UtcNow:O}}"},
            "messageType":["urn:message:MechanicBuddy.Contracts:TenantSideBuilt"]}
            """);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json" };

        int SetAside() => plane.AllLogs().Split("not that path's worker's").Length - 1;
        var setAsideBefore = SetAside();
        // On its own exchange: delivered, and ignored by the registry (it came through the shared worker's exchange).
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync("MechanicBuddy.Contracts:TenantSideBuilt.shared", "", mandatory: false, properties, forged);
            await channel.ExchangeDeclarePassiveAsync("amq.direct");
        }
        // The registry has taken the forged answer and set it aside (it says so once more), whether or not the real one came first.
        for (var wait = 0; wait < 100 && SetAside() == setAsideBefore; wait++)
        {
            await Task.Delay(100);
        }
        Assert.True(SetAside() > setAsideBefore, "the registry did not report the forged answer as set aside");
        var meanwhile = (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{tenantId}", Json))!;
        Assert.DoesNotContain("evil.example", meanwhile.TenantUrl ?? "", StringComparison.Ordinal);

        foreach (var exchange in new[] { "MechanicBuddy.Contracts:TenantSideBuilt.dedicated", "MechanicBuddy.Contracts:TenantSideBuilt" })
        {
            await using var channel = await connection.CreateChannelAsync();
            var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
            {
                await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, forged);
                await channel.ExchangeDeclarePassiveAsync("amq.direct");
            });
            Assert.Contains("ACCESS_REFUSED", refused.Message, StringComparison.Ordinal);
        }

        var active = await PollAsync<TenantDto>(plane.Client, $"/api/tenants/{tenantId}", t => t.Status, TenantStatuses.Provisioning, TimeSpan.FromSeconds(60));
        Assert.Equal(TenantStatuses.Active, active.Status);
        Assert.DoesNotContain("evil.example", active.TenantUrl, StringComparison.Ordinal);
        Assert.Contains("not that path's worker's", plane.AllLogs(), StringComparison.Ordinal);
        await plane.Client.DeleteAsync($"/api/tenants/{tenantId}");
    }
}
