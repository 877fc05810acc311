using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.StateMachines;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>professional ↔ enterprise: resized where the tenant is, by one command to the dedicated worker, served throughout.</summary>
public sealed partial class TenantLifecycleStateMachineTests
{
    async Task<ProvisionTenant> ActiveDedicatedTenantAsync(string tier)
    {
        var signup = Signup(tier);
        await RequestAsync(signup);
        await Harness.Bus.Publish(DedicatedDone(signup));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        return signup;
    }

    async Task<ResizeDedicatedTenant> ResizeRequestedAsync(ProvisionTenant signup, string newTier)
    {
        var answer = await ChangeTierAsync(signup, newTier);
        Assert.True(answer.Is(out Response<TenantTierChangeAccepted>? accepted), "refused");
        Assert.True(accepted.Message.Migrates);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierResizing));
        return Harness.Sent.Select<ResizeDedicatedTenant>().Last().Context.Message;
    }

    [Fact]
    public async Task Professional_to_enterprise_is_resized_in_place_and_tells_billing()
    {
        var signup = await ActiveDedicatedTenantAsync("professional");

        var resize = await ResizeRequestedAsync(signup, "enterprise");

        Assert.Equal((signup.TenantId, 1, "professional", "enterprise", $"tenant-{signup.TenantId}"),
            (resize.TenantId, resize.TierChange, resize.OldTier, resize.NewTier, resize.Namespace));
        Assert.False(await Harness.Sent.Any<BuildTenantSide>(m => m.Context.Message.TierChange > 0));
        Assert.False(await Harness.Sent.Any<MoveTenantData>());
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal(("professional", "enterprise", null), (saga.SubscriptionTier, saga.TargetTier, saga.Target));

        await Harness.Bus.Publish(new DedicatedTenantResized
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, TierChange = 1, NewTier = "enterprise",
            Message = "professional → enterprise: postgresql 1→3", CompletedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.Equal(("enterprise", null, null, $"tenant-{signup.TenantId}"), (saga.SubscriptionTier, saga.TargetTier, saga.Retired, saga.Namespace));
        var changed = Harness.Published.Select<TenantTierChanged>().Single().Context.Message;
        Assert.Equal(("professional", "enterprise", DeploymentModes.Dedicated), (changed.OldTier, changed.NewTier, changed.DeploymentMode));
        Assert.Contains(_log.Entries, e => e.Entry.Step == "TierChange" && e.Entry.Outcome == "completed" && e.Entry.Message.StartsWith("resized in place", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_resize_leaves_the_tenant_active_on_its_old_tier_with_the_error_and_tells_billing_it_rolled_back()
    {
        var signup = await ActiveDedicatedTenantAsync("enterprise");
        await ResizeRequestedAsync(signup, "professional");

        await Harness.Bus.Publish(new DedicatedTenantResizeFailed
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, TierChange = 1, Step = "DeployHelmChart",
            Reason = "helm upgrade --install exited 1: Error: UPGRADE FAILED", RolledBack = true, FailedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal(("enterprise", null), (saga.SubscriptionTier, saga.TargetTier));
        Assert.Equal("TierResize: DeployHelmChart: helm upgrade --install exited 1: Error: UPGRADE FAILED", saga.TierChangeError);
        var rolledBack = Harness.Published.Select<TenantTierChangeRolledBack>().Single().Context.Message;
        Assert.Equal(("enterprise", "professional", "TierResize"), (rolledBack.OldTier, rolledBack.NewTier, rolledBack.Phase));
        Assert.False(await Harness.Published.Any<TenantTierChanged>());
    }

    [Fact]
    public async Task A_resize_past_its_deadline_is_asked_again_and_a_stale_answer_of_an_earlier_change_is_ignored()
    {
        var signup = await ActiveDedicatedTenantAsync("professional");
        await ResizeRequestedAsync(signup, "enterprise");

        await Harness.Bus.Publish(new TenantDeadlinePassed { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, DeadlineAt = DateTimeOffset.UtcNow });
        Assert.True(await _log.WaitForAsync(e => e.Step == "TierResize" && e.Message.StartsWith("no answer by", StringComparison.Ordinal)));
        // The log entry is written just before the command is sent: wait for the send itself.
        await WaitUntilAsync(() => Harness.Sent.Select<ResizeDedicatedTenant>().Count() >= 2);
        var resent = Harness.Sent.Select<ResizeDedicatedTenant>().ToList();
        Assert.Equal(2, resent.Count);
        Assert.Equal(resent[0].Context.Message, resent[1].Context.Message with { CorrelationId = resent[0].Context.Message.CorrelationId });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierResizing));

        await Harness.Bus.Publish(new DedicatedTenantResized
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, TierChange = 0, NewTier = "enterprise", Message = "stale", CompletedAt = DateTimeOffset.UtcNow,
        });
        // The saga ignores it: the only sign is that it was consumed, seen without relying on the harness's idle detection.
        for (var waited = 0; waited < 5000 && !Harness.Consumed.Select<DedicatedTenantResized>().Any(); waited += 20)
        {
            await Task.Delay(20);
        }
        Assert.True(Harness.Consumed.Select<DedicatedTenantResized>().Any());
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierResizing));
        Assert.Equal("professional", Saga.Sagas.Contains(signup.CorrelationId)!.SubscriptionTier);
    }

    [Fact]
    public async Task A_second_tier_change_while_resizing_is_refused_with_the_state()
    {
        var signup = await ActiveDedicatedTenantAsync("professional");
        await ResizeRequestedAsync(signup, "enterprise");

        var again = await ChangeTierAsync(signup, "free");

        Assert.True(again.Is(out Response<TenantRequestRejected>? rejected));
        Assert.Equal("state", rejected.Message.Code);
        Assert.Contains(TenantStatuses.TierResizing, rejected.Message.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_status_the_registry_knows_is_a_state_of_the_machine_and_every_state_is_a_status()
    {
        var machine = new TenantLifecycleStateMachine(Microsoft.Extensions.Options.Options.Create(new MechanicBuddy.Tenancy.Configuration.ProvisioningOptions()));
        var states = machine.States.Select(s => s.Name).Where(n => n is not "Initial" and not "Final").Order().ToList();

        Assert.Equal(states, TenantStatuses.All.Order().ToList());
    }

    [Fact]
    public async Task A_resize_while_an_earlier_changes_old_side_is_kept_keeps_its_removal_date_and_hears_its_removal()
    {
        var signup = await ActiveDedicatedTenantAsync("professional");
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        var retireAt = DateTimeOffset.UtcNow.AddHours(1);
        saga.Retired = new TenantSide { DeploymentMode = DeploymentModes.Shared, Pool = "default", Namespace = "mechanicbuddy-free-tier" };
        saga.RetireAt = retireAt;
        saga.DeadlineAt = retireAt;

        await ResizeRequestedAsync(signup, "enterprise");
        Assert.True(saga.DeadlineAt < retireAt, "the resize runs under its own deadline");
        var resizeDeadline = saga.DeadlineAt;
        // The old side's removal, sent before the resize began, is confirmed while it runs.
        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Retired, DeploymentModes.Shared));
        Assert.True(await _log.WaitForAsync(e => e.Step == "RetireOldSide" && e.Outcome == "completed"));
        Assert.Equal((null, resizeDeadline), (saga.Retired, saga.DeadlineAt));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierResizing));
        saga.Retired = new TenantSide { DeploymentMode = DeploymentModes.Shared, Pool = "default", Namespace = "mechanicbuddy-free-tier" };
        saga.RetireAt = retireAt;
        await Harness.Bus.Publish(new DedicatedTenantResized
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, TierChange = 1, NewTier = "enterprise", Message = "resized", CompletedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.Equal((retireAt, retireAt), (saga.RetireAt, saga.DeadlineAt));
        Assert.NotNull(saga.Retired);
    }
}
