using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>
/// Tier changes: each phase waits for its worker's confirmation before the next command goes out; a failure at any
/// phase undoes exactly what was done; after a switch the old side is kept until its grace period is over.
/// </summary>
public sealed partial class TenantLifecycleStateMachineTests
{
    async Task<Response<TenantTierChangeAccepted, TenantRequestRejected>> ChangeTierAsync(ProvisionTenant signup, string newTier) =>
        await Harness.GetRequestClient<ChangeTenantTier>().GetResponse<TenantTierChangeAccepted, TenantRequestRejected>(new ChangeTenantTier
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, NewTier = newTier, RequestedAt = DateTimeOffset.UtcNow,
        });

    Task DataPhaseDoneAsync(ProvisionTenant signup, string phase, int tierChange = 1) =>
        Harness.Bus.Publish(new TenantDataMoved
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, TierChange = tierChange, Phase = phase, Message = $"{phase} done",
            CompletedAt = DateTimeOffset.UtcNow,
        });

    MoveTenantData LastDataCommand() => Harness.Sent.Select<MoveTenantData>().Last().Context.Message;

    /// <summary>An Active free tenant asked to become professional, its single-host target built and reported.</summary>
    async Task<ProvisionTenant> UpgradeUntilTargetBuiltAsync()
    {
        var signup = await ActiveSharedTenantAsync();
        var answer = await ChangeTierAsync(signup, "professional");
        Assert.True(answer.Is(out Response<TenantTierChangeAccepted>? accepted));
        Assert.True(accepted.Message.Migrates);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierProvisioningTarget));
        var build = Builds(DeploymentModes.Dedicated).Single().Context.Message;
        Assert.Equal(("professional", 1, true), (build.SubscriptionTier, build.TierChange, build.WithoutRoute));

        await Harness.Bus.Publish(DedicatedDone(signup) with { Side = TenantSideRoles.Target, Platform = DedicatedPlatforms.SingleHost, TierChange = 1 });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierFreezingSource));
        return signup;
    }

    [Fact]
    public async Task An_upgrade_runs_every_phase_in_order_then_retires_the_old_side_after_the_grace_period()
    {
        var signup = await UpgradeUntilTargetBuiltAsync();
        var freeze = LastDataCommand();
        Assert.Equal((TenantDataPhases.Freeze, DeploymentModes.Shared, "default", DeploymentModes.Dedicated),
            (freeze.Phase, freeze.Source.DeploymentMode, freeze.Source.Pool, freeze.Target!.DeploymentMode));

        await DataPhaseDoneAsync(signup, TenantDataPhases.Freeze);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierCopyingData));
        Assert.Equal(TenantDataPhases.Copy, LastDataCommand().Phase);
        await DataPhaseDoneAsync(signup, TenantDataPhases.Copy);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierVerifyingData));
        Assert.Equal(TenantDataPhases.Verify, LastDataCommand().Phase);
        Assert.False(await Harness.Sent.Any<SetTenantAccess>());
        await DataPhaseDoneAsync(signup, TenantDataPhases.Verify);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierSwitchingRoute));
        var switchRoute = Harness.Sent.Select<SetTenantAccess>().Single().Context;
        Assert.Contains(QueueNames.SetDedicatedTenantAccess, switchRoute.DestinationAddress!.ToString(), StringComparison.Ordinal);
        Assert.False(await Harness.Published.Any<TenantTierChanged>());

        await ConfirmAccessAsync(signup, suspended: false);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal(("professional", DeploymentModes.Dedicated, DedicatedPlatforms.SingleHost, null), (saga.SubscriptionTier, saga.DeploymentMode, saga.Platform, saga.Pool));
        Assert.Equal(($"tenant-{signup.TenantId}", DeploymentModes.Shared, "default", true),
            (saga.Namespace, saga.Retired!.DeploymentMode, saga.Retired.Pool, saga.Retired.KeepRoute));
        var changed = Harness.Published.Select<TenantTierChanged>().Single().Context.Message;
        Assert.Equal(("free", "professional", DeploymentModes.Dedicated), (changed.OldTier, changed.NewTier, changed.DeploymentMode));
        Assert.False(await AnyRemovalAsync(DeploymentModes.Shared));
        Assert.True(_admission.Slots.ContainsKey(signup.TenantId), "the shared slot is held until the old side is gone");
        // A progress event per phase, in order, for dashboards.
        var progress = Harness.Published.Select<TenantTierChangeProgressed>().Select(p => p.Context.Message)
            .Where(p => p.Outcome == "completed").Select(p => p.Phase).ToList();
        Assert.Equal(["TierTargetReady", "TierFreeze", "TierCopy", "TierVerify", "TierSwitchRoute", "TierChange"], progress);

        // Grace period over (the deadline watcher's message): the old side goes, its route stays with the new side.
        await Harness.Bus.Publish(new TenantRemovalOverdue { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, State = "Active", DeadlineAt = DateTimeOffset.UtcNow });
        await WaitUntilAsync(() => Removals(DeploymentModes.Shared).Any());
        var retire = Removals(DeploymentModes.Shared).Single().Context.Message;
        Assert.Equal(("default", true), (retire.Pool, retire.KeepRoute));
        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Retired, DeploymentModes.Shared));
        await WaitUntilAsync(() => Saga.Sagas.Contains(signup.CorrelationId)!.Retired is null);
        Assert.False(_admission.Slots.ContainsKey(signup.TenantId));
        Assert.Equal(TenantStatuses.Active, Saga.Sagas.Contains(signup.CorrelationId)!.CurrentState);
    }

    [Fact]
    public async Task Deprovisioning_right_after_an_upgrade_removes_both_sides_whichever_confirms_first()
    {
        var signup = await UpgradeUntilTargetBuiltAsync();
        foreach (var phase in new[] { TenantDataPhases.Freeze, TenantDataPhases.Copy, TenantDataPhases.Verify })
        {
            await DataPhaseDoneAsync(signup, phase);
        }
        await ConfirmAccessAsync(signup, suspended: false);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));

        await Harness.Bus.Publish(new DeprovisionTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        await WaitUntilAsync(() => Harness.Sent.Select<RemoveTenantSide>().Count() == 2);
        Assert.Equal([(TenantSideRoles.Current, DeploymentModes.Dedicated), (TenantSideRoles.Retired, DeploymentModes.Shared)],
            Harness.Sent.Select<RemoveTenantSide>().Select(r => (r.Context.Message.Side, r.Context.Message.DeploymentMode)).Order());

        // The tenant's own side is confirmed first; the old side's confirmation still counts.
        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Current, DeploymentModes.Dedicated));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Deprovisioned));
        Assert.True(_admission.Slots.ContainsKey(signup.TenantId), "the old shared side still holds its slot");
        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Retired, DeploymentModes.Shared));
        await WaitUntilAsync(() => Saga.Sagas.Contains(signup.CorrelationId)!.Retired is null);
        Assert.False(_admission.Slots.ContainsKey(signup.TenantId));
    }

    [Fact]
    public async Task The_same_change_asked_again_while_it_runs_is_accepted_and_another_one_refused()
    {
        var signup = await UpgradeUntilTargetBuiltAsync();

        var again = await ChangeTierAsync(signup, "Professional");
        var other = await ChangeTierAsync(signup, "enterprise");

        Assert.True(again.Is(out Response<TenantTierChangeAccepted>? accepted));
        Assert.Equal(("free", "professional", true), (accepted.Message.OldTier, accepted.Message.NewTier, accepted.Message.Migrates));
        Assert.True(other.Is(out Response<TenantRequestRejected>? rejected));
        Assert.Equal("state", rejected.Message.Code);
        Assert.Single(Builds(DeploymentModes.Dedicated));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierFreezingSource));
    }

    [Fact]
    public async Task A_verify_that_finds_differences_rolls_back_the_target_and_the_read_only_window()
    {
        var signup = await UpgradeUntilTargetBuiltAsync();
        await DataPhaseDoneAsync(signup, TenantDataPhases.Freeze);
        await DataPhaseDoneAsync(signup, TenantDataPhases.Copy);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierVerifyingData));

        await Harness.Bus.Publish(new TenantDataMoveFailed
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, TierChange = 1, Phase = TenantDataPhases.Verify,
            Reason = "target differs from source: invoices: 1200 rows → 1199 rows", FailedAt = DateTimeOffset.UtcNow,
        });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierRollingBack));
        var removeTarget = Removals(DeploymentModes.Dedicated).Single().Context.Message;
        Assert.True(removeTarget.KeepRoute);
        Assert.Equal(TenantDataPhases.Unfreeze, LastDataCommand().Phase);

        await DataPhaseDoneAsync(signup, TenantDataPhases.Unfreeze);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierRollingBack));
        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Target, DeploymentModes.Dedicated));

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal(("free", DeploymentModes.Shared, "default"), (saga.SubscriptionTier, saga.DeploymentMode, saga.Pool));
        Assert.Null(saga.Retired);
        Assert.StartsWith("TierVerify: target differs", saga.TierChangeError, StringComparison.Ordinal);
        Assert.True(await Harness.Published.Any<TenantTierChangeRolledBack>());
        Assert.False(await Harness.Published.Any<TenantTierChanged>());
        // The route was never switched, so it is not touched.
        Assert.False(await Harness.Sent.Any<SetTenantAccess>());
    }

    [Fact]
    public async Task A_failed_route_switch_gives_the_route_back_to_the_source_only_after_the_target_is_gone()
    {
        var signup = await UpgradeUntilTargetBuiltAsync();
        foreach (var phase in new[] { TenantDataPhases.Freeze, TenantDataPhases.Copy, TenantDataPhases.Verify })
        {
            await DataPhaseDoneAsync(signup, phase);
        }
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierSwitchingRoute));

        // The phase's deadline passes (the worker never answered).
        await Harness.Bus.Publish(new TenantDeadlinePassed { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, DeadlineAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierRollingBack));
        Assert.Single(Harness.Sent.Select<SetTenantAccess>());

        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Target, DeploymentModes.Dedicated));
        await WaitUntilAsync(() => Harness.Sent.Select<SetTenantAccess>().Count() == 2);
        var giveBack = Harness.Sent.Select<SetTenantAccess>().Last().Context;
        Assert.Contains(QueueNames.SetSharedTenantAccess, giveBack.DestinationAddress!.ToString(), StringComparison.Ordinal);
        await ConfirmAccessAsync(signup, suspended: false);
        await DataPhaseDoneAsync(signup, TenantDataPhases.Unfreeze);

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.StartsWith("TierSwitchRoute:", Saga.Sagas.Contains(signup.CorrelationId)!.TierChangeError, StringComparison.Ordinal);
        Assert.Equal(DeploymentModes.Shared, Saga.Sagas.Contains(signup.CorrelationId)!.DeploymentMode);
    }

    [Fact]
    public async Task A_late_message_of_an_older_change_moves_nothing()
    {
        var signup = await UpgradeUntilTargetBuiltAsync();
        await DataPhaseDoneAsync(signup, TenantDataPhases.Freeze, tierChange: 7);
        await Harness.Bus.Publish(new TenantSideBuilt
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Pool = "default", Schema = "s", TenantUrl = "u", ApiUrl = "a",
            Namespace = "n", CompletedAt = DateTimeOffset.UtcNow,
        });
        await WaitUntilAsync(() => Harness.Consumed.Select<TenantDataMoved>().Any() && Harness.Consumed.Select<TenantSideBuilt>().Count() == 3);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.TierFreezingSource));
        Assert.DoesNotContain(Harness.Sent.Select<MoveTenantData>(), s => s.Context.Message.Phase == TenantDataPhases.Copy);
    }

    [Fact]
    public async Task A_downgrade_with_every_pool_full_is_refused_before_anything_is_built()
    {
        var signup = Signup("professional");
        await RequestAsync(signup);
        await Harness.Bus.Publish(DedicatedDone(signup));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        for (var i = 0; i < 100; i++)
        {
            _admission.Slots[$"other-{i}"] = "default";
        }

        var answer = await ChangeTierAsync(signup, "free");

        Assert.True(answer.Is(out Response<TenantRequestRejected>? rejected));
        Assert.Equal("capacity", rejected.Message.Code);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.False(await AnyBuildAsync(DeploymentModes.Shared));
        Assert.Equal("professional", Saga.Sagas.Contains(signup.CorrelationId)!.SubscriptionTier);
    }

    [Fact]
    public async Task A_tier_change_while_a_fleet_rollout_migrates_the_shop_is_refused_and_nothing_is_built()
    {
        var signup = await ActiveSharedTenantAsync();
        _admission.Migrating[signup.TenantId] = true;

        var answer = await ChangeTierAsync(signup, "professional");

        Assert.True(answer.Is(out Response<TenantRequestRejected>? rejected));
        Assert.Equal("migrating", rejected.Message.Code);
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.False(await AnyBuildAsync(DeploymentModes.Dedicated));
    }

    [Fact]
    public async Task Free_to_demo_stays_on_the_shared_path_and_is_only_recorded()
    {
        var signup = await ActiveSharedTenantAsync();

        var answer = await ChangeTierAsync(signup, "demo");

        Assert.True(answer.Is(out Response<TenantTierChangeAccepted>? accepted));
        Assert.False(accepted.Message.Migrates);
        Assert.Equal(("free", "demo"), (accepted.Message.OldTier, accepted.Message.NewTier));
        // (The registry answers after the saga is stored; the in-memory harness answers at once, so wait for the store.)
        await WaitUntilAsync(() => Saga.Sagas.Contains(signup.CorrelationId)!.SubscriptionTier == "demo");
        Assert.Equal(("free", "demo"), (Harness.Published.Select<TenantTierChanged>().Single().Context.Message.OldTier, "demo"));
        Assert.False(await AnyBuildAsync(DeploymentModes.Dedicated));
    }

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }
}
