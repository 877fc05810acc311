using MassTransit;
using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using MechanicBuddy.TenantRegistry.StateMachines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>The provisioning saga on MassTransit's in-memory test harness.</summary>
public sealed partial class TenantLifecycleStateMachineTests : IAsyncLifetime
{
    readonly FakeAdmission _admission;
    readonly FakeLog _log = new();
    readonly ServiceProvider _provider;
    ITestHarness Harness => _provider.GetRequiredService<ITestHarness>();
    ISagaStateMachineTestHarness<TenantLifecycleStateMachine, TenantState> Saga =>
        Harness.GetSagaStateMachineHarness<TenantLifecycleStateMachine, TenantState>();

    public TenantLifecycleStateMachineTests() : this(freeTierEnabled: true, capacity: 100) { }

    TenantLifecycleStateMachineTests(bool freeTierEnabled, int capacity)
    {
        _admission = new FakeAdmission(capacity);
        _provider = Build(freeTierEnabled, _admission, _log);
    }

    static ServiceProvider Build(bool freeTierEnabled, ITenantAdmission admission, IProvisioningLog log) =>
        new ServiceCollection()
            .AddSingleton(admission)
            .AddSingleton(log)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<ISagaMessageOutbox, ImmediateSagaOutbox>()
            .AddSingleton(Options.Create(new ProvisioningOptions { FreeTier = new FreeTierOptions { Enabled = freeTierEnabled } }))
            .AddMassTransitTestHarness(x =>
            {
                // "Nothing was sent" checks wait for the bus to go quiet; a second is plenty in memory.
                x.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(1));
                x.AddSagaStateMachine<TenantLifecycleStateMachine, TenantState>();
            })
            .BuildServiceProvider(true);

    public Task InitializeAsync() => Harness.Start();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    static ProvisionTenant Signup(string tier, string company = "Quick Fix Garage", string email = "owner@quickfix.com")
    {
        var id = TenantIds.Generate(company);
        return new ProvisionTenant
        {
            CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, CompanyName = company, SubscriptionTier = tier, OwnerEmail = email,
            AdminPasswordHash = "PBKDF2$SHA256$1$x$y", RequestedAt = DateTimeOffset.UtcNow,
        };
    }

    async Task<Response<TenantProvisioningAccepted, TenantRequestRejected>> RequestAsync(ProvisionTenant signup) =>
        await Harness.GetRequestClient<ProvisionTenant>().GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(signup);

    [Theory]
    [InlineData("free")]
    [InlineData("demo")]
    public async Task A_free_or_demo_signup_takes_the_shared_path_in_a_pool(string tier)
    {
        var signup = Signup(tier);

        var response = await RequestAsync(signup);

        Assert.True(response.Is(out Response<TenantProvisioningAccepted>? accepted));
        Assert.Equal(("shared", "default"), (accepted.Message.DeploymentMode, accepted.Message.Pool));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Provisioning));
        var sent = Builds(DeploymentModes.Shared).Single().Context.Message;
        Assert.Equal((signup.TenantId, "default", signup.AdminPasswordHash), (sent.TenantId, sent.Pool, sent.AdminPasswordHash));
        Assert.False(await AnyBuildAsync(DeploymentModes.Dedicated));
        Assert.True(_admission.Slots.ContainsKey(signup.TenantId));
    }

    [Theory]
    [InlineData("professional")]
    [InlineData("enterprise")]
    public async Task A_professional_or_enterprise_signup_builds_its_side_on_the_dedicated_path(string tier)
    {
        var signup = Signup(tier) with { CustomDomain = "shop.acmeauto.com" };

        var response = await RequestAsync(signup);

        Assert.True(response.Is(out Response<TenantProvisioningAccepted>? accepted));
        Assert.Equal("dedicated", accepted.Message.DeploymentMode);
        var sent = Builds(DeploymentModes.Dedicated).Single().Context.Message;
        Assert.Equal((signup.TenantId, "shop.acmeauto.com"), (sent.TenantId, sent.CustomDomain));
        Assert.False(await AnyBuildAsync(DeploymentModes.Shared));
        var saga = Saga.Sagas.ContainsInState(signup.CorrelationId, Saga.StateMachine, Saga.StateMachine.Provisioning)!;
        Assert.Equal(($"tenant-{signup.TenantId}", $"tenant-{signup.TenantId}", null), (saga.Namespace, saga.HelmRelease, saga.Pool));
        Assert.Empty(_admission.Slots);
    }

    [Fact]
    public async Task With_the_free_tier_disabled_even_a_free_signup_is_dedicated()
    {
        await using var provider = Build(freeTierEnabled: false, new FakeAdmission(), new FakeLog());
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.GetRequestClient<ProvisionTenant>().GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(Signup("free"));

        Assert.Equal(DeploymentModes.Dedicated, harness.Sent.Select<BuildTenantSide>().Single().Context.Message.DeploymentMode);
    }

    [Fact]
    public async Task A_live_shop_signing_up_again_is_rejected_and_nothing_is_kept()
    {
        var signup = Signup("free");
        _admission.LiveShops[("quick fix garage", "owner@quickfix.com")] = "quick-fix-aaaaaa";

        var response = await RequestAsync(signup);

        Assert.True(response.Is(out Response<TenantRequestRejected>? rejected));
        Assert.Equal("duplicate", rejected.Message.Code);
        Assert.Contains("quick-fix-aaaaaa", rejected.Message.Reason, StringComparison.Ordinal);
        Assert.False(await AnyBuildAsync(DeploymentModes.Shared));
        Assert.Empty(_admission.Slots);
    }

    [Fact]
    public async Task When_every_pool_is_full_the_signup_is_rejected_for_capacity()
    {
        var full = new TenantLifecycleStateMachineTests(freeTierEnabled: true, capacity: 1);
        await full.InitializeAsync();
        try
        {
            Assert.True((await full.RequestAsync(Signup("free", "First Shop", "a@x.example"))).Is(out Response<TenantProvisioningAccepted>? _));
            var second = await full.RequestAsync(Signup("free", "Second Shop", "b@x.example"));

            Assert.True(second.Is(out Response<TenantRequestRejected>? rejected));
            Assert.Equal("capacity", rejected.Message.Code);
        }
        finally
        {
            await full.DisposeAsync();
        }
    }

    [Fact]
    public async Task Completion_makes_the_tenant_active_and_tells_billing()
    {
        var signup = Signup("free");
        await RequestAsync(signup);

        await Harness.Bus.Publish(new TenantSideBuilt
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Pool = "default", Schema = "tenant_x",
            TenantUrl = "https://x.mechanicbuddy.app", ApiUrl = "https://x.mechanicbuddy.app/api", Namespace = TenantNames.SharedNamespace,
            CompletedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        var published = Harness.Published.Select<TenantProvisioned>().Single().Context.Message;
        Assert.Equal((signup.TenantId, "shared", "https://x.mechanicbuddy.app"), (published.TenantId, published.DeploymentMode, published.TenantUrl));
        Assert.Contains(_log.Entries, e => e.Entry.Step == "Completed");
        // What the Gateway answers, carried by the event: the final state and the whole log, this transition's entries included.
        var result = published.Result!;
        Assert.Equal((TenantStatuses.Active, true, "https://x.mechanicbuddy.app", "shared"), (result.Status, result.Success, result.TenantUrl, result.Resources!.PostgresInstances));
        Assert.Equal(["Accepted", "Completed"], result.ProvisioningLog.Select(e => e.Step));
    }

    [Fact]
    public async Task A_failed_step_makes_the_tenant_failed_with_its_reason_and_frees_the_slot()
    {
        var signup = Signup("free");
        await RequestAsync(signup);

        await Harness.Bus.Publish(new TenantSideBuildFailed
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Shared, Step = "RunMigrations",
            Reason = "PostgreSQL 42P07: relation \"users\" already exists", Compensated = true, FailedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Failed));
        var failed = Harness.Published.Select<TenantProvisioningFailed>().Single().Context.Message;
        Assert.Equal(("RunMigrations", "PostgreSQL 42P07: relation \"users\" already exists"), (failed.Step, failed.Reason));
        Assert.Equal((TenantStatuses.Failed, false, "RunMigrations"), (failed.Result!.Status, failed.Result.Success, failed.Result.FailedStep));
        Assert.Equal("Failed", failed.Result.ProvisioningLog[^1].Step);
        Assert.Empty(_admission.Slots);
    }

    [Fact]
    public async Task Deprovisioning_an_active_shared_tenant_removes_it_from_its_pool()
    {
        var signup = await ActiveSharedTenantAsync();

        await Harness.Bus.Publish(new DeprovisionTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Deprovisioning));
        Assert.Equal("default", Removals(DeploymentModes.Shared).Single().Context.Message.Pool);

        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Current, DeploymentModes.Shared));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Deprovisioned));
        Assert.True(await Harness.Published.Any<TenantDeprovisioned>());
        Assert.Empty(_admission.Slots);
    }

    [Fact]
    public async Task The_same_signup_delivered_twice_is_accepted_twice_and_built_once()
    {
        var signup = Signup("free");

        await RequestAsync(signup);
        var again = await RequestAsync(signup);

        Assert.True(again.Is(out Response<TenantProvisioningAccepted>? _));
        Assert.Single(Builds(DeploymentModes.Shared));
    }

    [Fact]
    public async Task Deprovisioning_an_unknown_tenant_creates_nothing()
    {
        var id = TenantIds.Generate("Ghost Garage");
        await Harness.Bus.Publish(new DeprovisionTenant { CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, RequestedAt = DateTimeOffset.UtcNow });

        Assert.True(await Harness.Consumed.Any<DeprovisionTenant>());
        Assert.Null(await Saga.Exists(TenantNames.CorrelationIdFor(id), TimeSpan.FromMilliseconds(300)));
        Assert.False(await AnyRemovalAsync(DeploymentModes.Shared));
    }

    TenantSideBuilt DedicatedDone(ProvisionTenant signup, params string[] warnings) => new()
    {
        CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Dedicated, Platform = "kubernetes", Namespace = $"tenant-{signup.TenantId}",
        HelmRelease = $"tenant-{signup.TenantId}", TenantUrl = "https://shop.acmeauto.com", ApiUrl = "https://shop.acmeauto.com/api",
        Warnings = warnings, CompletedAt = DateTimeOffset.UtcNow,
        Steps = [new ProvisioningStepRecord { Step = "DeployHelmChart", Outcome = "completed", Message = "release installed", Timestamp = DateTimeOffset.UtcNow }],
    };

    [Fact]
    public async Task Dedicated_completion_records_release_and_urls_and_tells_billing()
    {
        var signup = Signup("professional") with { CustomDomain = "shop.acmeauto.com" };
        await RequestAsync(signup);

        await Harness.Bus.Publish(DedicatedDone(signup, "WaitForWeb: 1 of 2 replicas ready after 5 minutes"));

        var saga = await Saga.Exists(signup.CorrelationId, m => m.Active);
        Assert.NotNull(saga);
        var state = Saga.Sagas.Contains(signup.CorrelationId)!;
        Assert.Equal(("dedicated", "kubernetes", $"tenant-{signup.TenantId}", "https://shop.acmeauto.com"),
            (state.DeploymentMode, state.Platform, state.HelmRelease, state.TenantUrl));
        var published = Harness.Published.Select<TenantProvisioned>().Single().Context.Message;
        Assert.Equal(("dedicated", "https://shop.acmeauto.com/api"), (published.DeploymentMode, published.ApiUrl));
        Assert.Contains(_log.Entries, e => e.Entry.Step == "DeployHelmChart");
        Assert.Contains(_log.Entries, e => e.Entry.Step == "UpdateTenantRecord");
        Assert.Contains(_log.Entries, e => e.Entry.Step == "Completed" && e.Entry.Message.Contains("1 of 2 replicas", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dedicated_failure_is_recorded_with_helms_output()
    {
        var signup = Signup("enterprise");
        await RequestAsync(signup);

        await Harness.Bus.Publish(new TenantSideBuildFailed
        {
            CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = TenantSideRoles.Current, DeploymentMode = DeploymentModes.Dedicated, Step = "DeployHelmChart",
            Reason = "helm exited 1: Error: INSTALLATION FAILED: quota exceeded", Compensated = false, FailedAt = DateTimeOffset.UtcNow,
        });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Failed));
        var failed = Harness.Published.Select<TenantProvisioningFailed>().Single().Context.Message;
        Assert.Equal("DeployHelmChart", failed.Step);
        Assert.StartsWith("helm exited 1: Error: INSTALLATION FAILED: quota exceeded", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("cleanup incomplete", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deprovisioning_a_dedicated_tenant_sends_its_namespace_and_release_to_the_dedicated_worker()
    {
        var signup = Signup("professional");
        await RequestAsync(signup);
        await Harness.Bus.Publish(DedicatedDone(signup));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));

        await Harness.Bus.Publish(new DeprovisionTenant { CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, RequestedAt = DateTimeOffset.UtcNow });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Deprovisioning));
        var sent = Removals(DeploymentModes.Dedicated).Single().Context.Message;
        Assert.Equal(($"tenant-{signup.TenantId}", $"tenant-{signup.TenantId}"), (sent.Namespace, sent.HelmRelease));
        Assert.False(await AnyRemovalAsync(DeploymentModes.Shared));

        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Current, DeploymentModes.Dedicated));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Deprovisioned));
        Assert.Equal("dedicated", Harness.Published.Select<TenantDeprovisioned>().Single().Context.Message.DeploymentMode);
    }
}
