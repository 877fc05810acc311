using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>The saga when things go wrong: a reused Idempotency-Key, deadlines, operator retries.</summary>
public sealed partial class TenantLifecycleStateMachineTests
{
    [Fact]
    public async Task The_same_tenant_id_with_a_different_signup_is_refused_as_a_reused_key()
    {
        var signup = Signup("free");
        await RequestAsync(signup);

        var other = await RequestAsync(signup with { CompanyName = "Some Other Garage", OwnerEmail = "other@example.com" });

        Assert.True(other.Is(out Response<TenantRequestRejected>? rejected));
        Assert.Equal("key-reused", rejected.Message.Code);
        Assert.Contains("Quick Fix Garage", rejected.Message.Reason, StringComparison.Ordinal);
        Assert.Single(Builds(DeploymentModes.Shared));
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal("Quick Fix Garage", saga.CompanyName);
    }

    [Fact]
    public async Task A_provisioning_past_its_deadline_is_compensated_then_failed_and_a_late_completion_is_removed_again()
    {
        var signup = Signup("free");
        await RequestAsync(signup);
        var deadline = Saga.Sagas.Contains(signup.CorrelationId)!.DeadlineAt;
        Assert.NotNull(deadline);

        await Harness.Bus.Publish(new TenantDeadlinePassed { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, DeadlineAt = deadline!.Value });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Compensating));
        Assert.Equal("default", Removals(DeploymentModes.Shared).Single().Context.Message.Pool);
        Assert.False(await Harness.Published.Any<TenantProvisioningFailed>());

        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Current, DeploymentModes.Shared));

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Failed));
        var failed = Harness.Published.Select<TenantProvisioningFailed>().Single().Context.Message;
        Assert.Equal("Timeout", failed.Step);
        Assert.Contains("did not finish within 300 s", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(_admission.Slots);

        // The worker was only slow: its completion arrives now, and what it built is removed again.
        await Harness.Bus.Publish(new TenantSideBuilt
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Pool = "default", Schema = "s", TenantUrl = "u", ApiUrl = "a",
            Namespace = "n", CompletedAt = DateTimeOffset.UtcNow,
        });
        Assert.True(await Harness.Published.Any<TenantSideBuilt>());
        await Harness.InactivityTask;
        Assert.Equal(2, Removals(DeploymentModes.Shared).Count());
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Failed));
        Assert.False(await Harness.Published.Any<TenantProvisioned>());
    }

    [Fact]
    public async Task A_timeout_after_the_tenant_became_active_changes_nothing()
    {
        var signup = Signup("professional");
        await RequestAsync(signup);
        await Harness.Bus.Publish(DedicatedDone(signup));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));

        await Harness.Bus.Publish(new TenantDeadlinePassed { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, DeadlineAt = DateTimeOffset.UtcNow });

        Assert.True(await Saga.Consumed.Any<TenantDeadlinePassed>());
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.False(await AnyRemovalAsync(DeploymentModes.Dedicated));
    }

    async Task<ProvisionTenant> FailedSharedTenantAsync()
    {
        var signup = Signup("free");
        await RequestAsync(signup);
        await Harness.Bus.Publish(new TenantSideBuildFailed
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Step = "RunMigrations", Reason = "PostgreSQL 42501: permission denied",
            Compensated = true, FailedAt = DateTimeOffset.UtcNow,
        });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Failed));
        return signup;
    }

    [Fact]
    public async Task A_retry_of_a_failed_tenant_takes_a_slot_again_and_sends_the_same_command()
    {
        var signup = await FailedSharedTenantAsync();
        Assert.Empty(_admission.Slots);

        await Harness.Bus.Publish(new RetryProvisioning { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Provisioning));
        var commands = Builds(DeploymentModes.Shared).Select(s => s.Context.Message).ToList();
        Assert.Equal(2, commands.Count);
        Assert.Equal(commands[0] with { Attempt = 2 }, commands[1]);
        Assert.Equal(1, commands[0].Attempt);
        Assert.True(_admission.Slots.ContainsKey(signup.TenantId));
        var saga = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal((1, null, null), (saga.RetryCount, saga.FailedStep, saga.FailureReason));
        Assert.Contains(_log.Entries, e => e.Entry.Step == "Retry" && e.Entry.Outcome == "started");
    }

    [Fact]
    public async Task A_retry_is_refused_while_the_shop_has_another_live_tenant()
    {
        var signup = await FailedSharedTenantAsync();
        _admission.LiveShops[("quick fix garage", "owner@quickfix.com")] = "quick-fix-bbbbbb";

        await Harness.Bus.Publish(new RetryProvisioning { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });

        Assert.True(await Saga.Consumed.Any<RetryProvisioning>());
        await Harness.InactivityTask;
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Failed));
        Assert.Single(Builds(DeploymentModes.Shared));
        Assert.Contains(_log.Entries, e => e.Entry.Step == "Retry" && e.Entry.Outcome == "failed" && e.Entry.Message.Contains("quick-fix-bbbbbb", StringComparison.Ordinal));
    }
}
