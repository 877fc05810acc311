using MassTransit.Testing;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.StateMachines;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>The path-neutral worker commands the saga sent, by path, and the workers' answers the tests play back.</summary>
public sealed partial class TenantLifecycleStateMachineTests
{
    IEnumerable<ISentMessage<BuildTenantSide>> Builds(string mode) =>
        Harness.Sent.Select<BuildTenantSide>().Where(m => m.Context.Message.DeploymentMode == mode);

    IEnumerable<ISentMessage<RemoveTenantSide>> Removals(string mode) =>
        Harness.Sent.Select<RemoveTenantSide>().Where(m => m.Context.Message.DeploymentMode == mode);

    Task<bool> AnyBuildAsync(string mode) => Harness.Sent.Any<BuildTenantSide>(m => m.Context.Message.DeploymentMode == mode);

    Task<bool> AnyRemovalAsync(string mode) => Harness.Sent.Any<RemoveTenantSide>(m => m.Context.Message.DeploymentMode == mode);

    static TenantSideRemoved Removed(ProvisionTenant signup, string side, string mode) => new()
    {
        CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = side, DeploymentMode = mode, CompletedAt = DateTimeOffset.UtcNow,
    };

    static TenantSideBuilt Built(ProvisionTenant signup, string side, string mode) => new()
    {
        CorrelationId = signup.CorrelationId, TenantId = signup.TenantId, Side = side, DeploymentMode = mode, Pool = "default", Schema = "s",
        TenantUrl = "https://built.example", ApiUrl = "https://built.example/api", Namespace = "n", CompletedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task An_answer_about_another_side_or_another_path_changes_nothing()
    {
        var signup = Signup("free");
        await RequestAsync(signup);

        await Harness.Bus.Publish(Built(signup, TenantSideRoles.Current, DeploymentModes.Dedicated));
        await Harness.Bus.Publish(Built(signup, TenantSideRoles.Target, DeploymentModes.Shared));
        await Harness.Bus.Publish(Removed(signup, TenantSideRoles.Retired, DeploymentModes.Shared));
        await WaitUntilAsync(() => Harness.Consumed.Select<TenantSideBuilt>().Count() == 2 && Harness.Consumed.Select<TenantSideRemoved>().Any());
        await Harness.InactivityTask;

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Provisioning));
        Assert.False(await Harness.Published.Any<TenantProvisioned>());
        Assert.True(_admission.Slots.ContainsKey(signup.TenantId));

        await Harness.Bus.Publish(Built(signup, TenantSideRoles.Current, DeploymentModes.Shared));
        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
    }

    [Theory]
    [InlineData("free", QueueNames.ProvisionSharedTenant)]
    [InlineData("professional", QueueNames.ProvisionDedicatedTenant)]
    public async Task A_build_goes_to_the_queue_of_its_paths_worker(string tier, string queue)
    {
        var signup = Signup(tier);
        await RequestAsync(signup);

        var sent = Harness.Sent.Select<BuildTenantSide>().Single().Context;
        Assert.Equal(queue, sent.DestinationAddress!.AbsolutePath.TrimStart('/'));
        Assert.Equal(queue, WorkerQueues.For<BuildTenantSide>(sent.Message.DeploymentMode));
        Assert.Equal(TenantSideRoles.Current, sent.Message.Side);
    }

    [Fact]
    public void Every_path_neutral_command_has_a_queue_per_path_and_each_queue_one_command()
    {
        var pairs = WorkerQueues.All.ToList();
        foreach (var command in new[] { typeof(BuildTenantSide), typeof(RemoveTenantSide), typeof(SetTenantAccess) })
        {
            Assert.Equal([DeploymentModes.Dedicated, DeploymentModes.Shared], pairs.Where(p => p.Command == command).Select(p => p.Mode).Order());
        }
        Assert.Equal(pairs.Count, pairs.Select(p => p.Queue).Distinct().Count());
        Assert.Throws<InvalidOperationException>(() => WorkerQueues.For<BuildTenantSide>("elsewhere"));
    }

    [Fact]
    public async Task The_tenant_records_the_schema_version_its_worker_built()
    {
        var signup = Signup("free");
        await RequestAsync(signup);

        await Harness.Bus.Publish(Built(signup, TenantSideRoles.Current, DeploymentModes.Shared) with { SchemaVersion = 2 });

        Assert.NotNull(await Saga.Exists(signup.CorrelationId, m => m.Active));
        Assert.Equal(2, Saga.Sagas.Contains(signup.CorrelationId)!.SchemaVersion);
        Assert.Equal(2, MechanicBuddy.TenantRegistry.Api.TenantMapper.ToDto(Saga.Sagas.Contains(signup.CorrelationId)!).SchemaVersion);
    }
}
