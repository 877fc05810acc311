using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Tenancy.Configuration;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>Suspend and resume on the Kubernetes platform: replicas of API and Web, in the tenant's own namespace only.</summary>
public sealed partial class KubernetesPlatformTests
{
    [Fact]
    public async Task Suspending_scales_api_and_web_to_zero_and_resuming_restores_the_tiers_replicas_leaving_the_database()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);
        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>((await RunAsync(platform, plan)).Outcome);
        SetTenantAccess Access(bool suspended) => new()
        {
            CorrelationId = plan.Command.CorrelationId, TenantId = plan.Names.TenantId, Suspended = suspended, SubscriptionTier = "professional", Namespace = ns,
        };
        int Replicas(string deployment) => _api.Get("deployments", ns, deployment)!["spec"]!["replicas"]!.GetValue<int>();
        var clusterBefore = _api.Get("clusters", ns, "postgres")!.ToJsonString();

        var suspended = await platform.SetAccessAsync(Access(suspended: true), CancellationToken.None);

        Assert.Equal((0, 0), (Replicas("api"), Replicas("web")));
        Assert.Contains("503", suspended, StringComparison.Ordinal);
        Assert.Equal(2, _api.Requests.Count(r => r.StartsWith($"PATCH /apis/apps/v1/namespaces/{ns}/deployments/", StringComparison.Ordinal)));

        await platform.SetAccessAsync(Access(suspended: false), CancellationToken.None);

        var professional = new ProvisioningOptions().TierResourceLimits["professional"];
        Assert.Equal((professional.ApiReplicas, professional.WebReplicas), (Replicas("api"), Replicas("web")));
        Assert.Equal(clusterBefore, _api.Get("clusters", ns, "postgres")!.ToJsonString());
    }

    [Fact]
    public async Task Suspending_never_touches_a_namespace_that_is_not_the_tenants()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        _api.Put("namespaces", null, Namespace(ns, tenantLabel: null));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => platform.SetAccessAsync(new SetTenantAccess
        {
            CorrelationId = plan.Command.CorrelationId, TenantId = plan.Names.TenantId, Suspended = true, Namespace = ns,
        }, CancellationToken.None));

        Assert.Contains("not labelled", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal));
    }
}
