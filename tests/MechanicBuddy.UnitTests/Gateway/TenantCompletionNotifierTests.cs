using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Waiting;
using MechanicBuddy.Gateway.Api;
using MechanicBuddy.Gateway.Consumers;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.UnitTests.Gateway;

public sealed class TenantCompletionNotifierTests
{
    [Fact]
    public async Task Past_the_cap_of_open_waits_a_request_does_not_wait_and_a_finished_wait_frees_its_place()
    {
        var notifier = new TenantCompletionNotifier(Options.Create(new GatewayLimitsOptions { MaxOpenWaits = 2 }));
        using var first = notifier.TryRegister("tenant-a-123456");
        var second = notifier.TryRegister("tenant-b-123456");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(notifier.TryRegister("tenant-c-123456"));
        Assert.Equal(2, notifier.OpenWaits);

        notifier.Notify("tenant-b-123456");
        Assert.True(await second!.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        second.Dispose();
        Assert.Equal(1, notifier.OpenWaits);
        using var third = notifier.TryRegister("tenant-c-123456");
        Assert.NotNull(third);
    }

    [Fact]
    public async Task A_waiter_gets_the_result_its_completion_event_carried()
    {
        var notifier = new TenantCompletionNotifier(Options.Create(new GatewayLimitsOptions { MaxOpenWaits = 4 }));
        using var waiter = notifier.TryRegister("tenant-a-123456")!;
        Assert.Null(waiter.Result);

        notifier.Notify("tenant-a-123456", new TenantProvisioningResult { Status = "Active", TenantId = "tenant-a-123456" });

        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal("Active", waiter.Result!.Status);
    }
}
