using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>Suspend and resume: the saga asks the path's worker to switch the route, and only its confirmation moves the tenant.</summary>
public sealed partial class TenantLifecycleStateMachineTests
{
    async Task<ProvisionTenant> ActiveSharedTenantAsync()
    {
        var signup = Signup("free");
        await RequestAsync(signup);
        await Harness.Bus.Publish(new TenantSideBuilt
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Pool = "default", Schema = "s", TenantUrl = "u", ApiUrl = "a",
            Namespace = "n", CompletedAt = DateTimeOffset.UtcNow,
        });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        return signup;
    }

    Task ConfirmAccessAsync(ProvisionTenant signup, bool suspended) =>
        Harness.Bus.Publish(new TenantAccessSet
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Suspended = suspended, Message = "done", CompletedAt = DateTimeOffset.UtcNow,
        });

    [Fact]
    public async Task Suspending_and_resuming_switch_the_route_through_the_worker_and_tell_billing()
    {
        var signup = await ActiveSharedTenantAsync();

        await Harness.Bus.Publish(new SuspendTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Reason = "unpaid", RequestedAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Suspending));
        var command = Harness.Sent.Select<SetTenantAccess>().Single().Context;
        Assert.Equal((signup.TenantId, true), (command.Message.TenantId, command.Message.Suspended));
        Assert.Contains(Contracts.QueueNames.SetSharedTenantAccess, command.DestinationAddress!.ToString(), StringComparison.Ordinal);

        await ConfirmAccessAsync(signup, suspended: true);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Suspended));
        var suspended = Harness.Published.Select<TenantSuspended>().Single().Context.Message;
        Assert.Equal((signup.TenantId, "unpaid"), (suspended.TenantId, suspended.Reason));
        Assert.Equal("unpaid", Saga.Sagas.Contains(signup.CorrelationId)!.SuspendReason);

        await Harness.Bus.Publish(new ResumeTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Resuming));
        Assert.False(Harness.Sent.Select<SetTenantAccess>().Last().Context.Message.Suspended);
        await ConfirmAccessAsync(signup, suspended: false);

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.True(await Harness.Published.Any<TenantResumed>());
        Assert.Null(Saga.Sagas.Contains(signup.CorrelationId)!.SuspendedAt);
    }

    [Fact]
    public async Task A_route_change_the_worker_could_not_make_leaves_the_tenant_where_it_was()
    {
        var signup = await ActiveSharedTenantAsync();
        await Harness.Bus.Publish(new SuspendTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Suspending));

        await Harness.Bus.Publish(new TenantAccessFailed
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Suspended = true, Reason = "nginx did not reload", FailedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.False(await Harness.Published.Any<TenantSuspended>());
    }

    [Fact]
    public async Task A_suspended_tenant_can_be_deprovisioned_and_a_provisioning_one_cannot_be_suspended()
    {
        var signup = await ActiveSharedTenantAsync();
        await Harness.Bus.Publish(new SuspendTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        await ConfirmAccessAsync(signup, suspended: true);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Suspended));

        await Harness.Bus.Publish(new DeprovisionTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Deprovisioning));
        Assert.True(await AnyRemovalAsync(DeploymentModes.Shared));

        var pending = Signup("free", company: "Still Building Garage", email: "o@building.example");
        await RequestAsync(pending);
        await Harness.Bus.Publish(new SuspendTenant { CorrelationId = pending.CorrelationId, TenantId = pending.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(pending.CorrelationId, m => m.Provisioning));
        Assert.DoesNotContain(Harness.Sent.Select<SetTenantAccess>(), s => s.Context.Message.TenantId == pending.TenantId);
    }
}
