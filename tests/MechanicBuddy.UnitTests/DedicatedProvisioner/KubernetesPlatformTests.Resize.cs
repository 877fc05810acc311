using System.Text.Json.Nodes;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>professional ↔ enterprise in place: quota for both tiers first, helm --reuse-values with the tier's shape, the waits, then the new quota.</summary>
public sealed partial class KubernetesPlatformTests
{
    /// <summary>A tenant provisioned on <paramref name="tier"/>, then the cluster as CloudNativePG reports it once helm asked for the other tier's instances.</summary>
    async Task<(IDedicatedPlatform Platform, DedicatedResizePlan Resize)> ProvisionedForResizeAsync(string tier, string newTier)
    {
        var platform = Platform(readyTimeoutSeconds: 3);
        var plan = Plan(tier);
        ReleaseObjects(plan);
        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>((await RunAsync(platform, plan)).Outcome);
        var options = _services!.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
        var resize = DedicatedResizePlan.For(new ResizeDedicatedTenant
        {
            CorrelationId = plan.Command.CorrelationId, TenantId = plan.Names.TenantId, TierChange = 1, OldTier = tier, NewTier = newTier,
            Namespace = plan.Names.DedicatedNamespace,
        }, options);
        _api.Requests.Clear();
        _api.Bodies.Clear();
        return (platform, resize);
    }

    static async Task<(DedicatedProvisioningOutcome Outcome, List<ProvisioningProgress> Progress)> ResizeAsync(IDedicatedPlatform platform, DedicatedResizePlan plan)
    {
        var progress = new List<ProvisioningProgress>();
        var outcome = await platform.ResizeAsync(plan, p =>
        {
            lock (progress)
            {
                progress.Add(p);
            }
            return Task.CompletedTask;
        }, CancellationToken.None);
        return (outcome, progress);
    }

    /// <summary>The quotas the driver replaced (its create of an existing one answers 409 first), oldest first.</summary>
    List<JsonNode> QuotaWrites() => _api.Bodies.Where(b => b.Request.StartsWith("PUT", StringComparison.Ordinal) && b.Request.Contains("/resourcequotas", StringComparison.Ordinal)).Select(b => b.Body["spec"]!["hard"]!).ToList();

    [Fact]
    public async Task Professional_to_enterprise_widens_the_quota_first_upgrades_with_the_tiers_shape_only_and_waits_for_three_instances()
    {
        var (platform, resize) = await ProvisionedForResizeAsync("professional", "enterprise");
        var ns = resize.Namespace;
        // helm asked for 3 instances of 8Gi. The Ready left over from before the change must not count; CloudNativePG
        // restarts the primary with 8Gi, then the two replicas join and Ready is true again.
        _api.Put("clusters", ns, Cluster(3, 1, true, "8Gi", "200Gi"));
        _api.ScriptWatch("clusters", ns, "postgres", new WatchStep.Event("MODIFIED", Cluster(3, 2, false, "8Gi", "200Gi", DateTimeOffset.UtcNow)),
            new WatchStep.Event("MODIFIED", Cluster(3, 3, true, "8Gi", "200Gi", DateTimeOffset.UtcNow.AddSeconds(2))));
        _api.Put("deployments", ns, Deployment("api", 3, 3));
        _api.Put("deployments", ns, Deployment("web", 3, 3));

        var (outcome, progress) = await ResizeAsync(platform, resize);

        var done = Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        Assert.Empty(done.Warnings);
        Assert.Equal(["ResizeQuota", "DeployHelmChart", "WaitForPostgres", "WaitForApi", "WaitForWeb", "ResizeQuota"], progress.Select(p => p.Step));
        Assert.Contains("3/3 instances ready", progress[2].Message, StringComparison.Ordinal);
        // Only what the tier decides, over the release's own values: identity, domains and the admin hash are helm's to keep.
        Assert.Contains(" --reset-then-reuse-values", _helm.Calls[^1], StringComparison.Ordinal);
        Assert.StartsWith($"upgrade {resize.Names.HelmRelease} ", _helm.Calls[^1], StringComparison.Ordinal);
        var values = Yaml(_helm.LastValues!);
        Assert.Equal(("3", "8Gi", "200Gi", "3", "4Gi", "3", "2Gi", "-1", "enterprise"),
            (At(values, "postgresql.instances"), At(values, "postgresql.resources.limits.memory"), At(values, "postgresql.storage.size"), At(values, "api.replicas"),
             At(values, "api.resources.requests.memory"), At(values, "web.replicas"), At(values, "web.resources.limits.memory"), At(values, "billing.mechanicLimit"),
             At(values, "tenant.tier")));
        Assert.DoesNotContain("admin", values.Children.Keys.Select(k => k.ToString()));
        Assert.DoesNotContain("domains", values.Children.Keys.Select(k => k.ToString()));
        var enterprise = TenantNamespaces.Quota(resize.To).Spec.Hard["requests.memory"].ToString();
        Assert.All(QuotaWrites(), hard => Assert.Equal(enterprise, hard["requests.memory"]!.GetValue<string>()));
        Assert.Equal("enterprise", _api.Get("namespaces", null, ns)!["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Enterprise_to_professional_keeps_room_for_both_tiers_until_the_pods_are_replaced_and_keeps_the_larger_volume()
    {
        var (platform, resize) = await ProvisionedForResizeAsync("enterprise", "professional");
        var ns = resize.Namespace;
        _api.Put("clusters", ns, Cluster(1, 1, true, "2Gi", "200Gi", DateTimeOffset.UtcNow.AddSeconds(5)));
        _api.Put("deployments", ns, Deployment("api", 2, 2));
        _api.Put("deployments", ns, Deployment("web", 2, 2));

        var (outcome, progress) = await ResizeAsync(platform, resize);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        var writes = QuotaWrites().Select(h => h["requests.memory"]!.GetValue<string>()).ToList();
        var options = _services!.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
        Assert.Equal([TenantNamespaces.Quota(resize.Transition).Spec.Hard["requests.memory"].ToString(), TenantNamespaces.Quota(resize.To).Spec.Hard["requests.memory"].ToString()], writes);
        Assert.Equal(TenantNamespaces.Quota(options.TierResourceLimits["enterprise"]).Spec.Hard["requests.memory"].ToString(), writes[0]);
        var values = Yaml(_helm.LastValues!);
        // A PVC never shrinks: the database keeps its 200Gi volume on professional.
        Assert.Equal(("1", "2Gi", "200Gi", "20"), (At(values, "postgresql.instances"), At(values, "postgresql.resources.limits.memory"), At(values, "postgresql.storage.size"),
            At(values, "billing.mechanicLimit")));
        Assert.Equal("ResizeQuota", progress[^1].Step);
    }

    [Fact]
    public async Task A_failed_upgrade_puts_the_old_tiers_shape_and_quota_back_and_reports_helms_error()
    {
        var (platform, resize) = await ProvisionedForResizeAsync("professional", "enterprise");
        var ns = resize.Namespace;
        _helm.FailNextUpgrade("Error: UPGRADE FAILED: admission webhook \"vcluster.cnpg.io\" denied the request");
        // What CloudNativePG reports once the rollback's upgrade has restarted the instance with 2Gi again.
        _api.Put("clusters", ns, Cluster(1, 1, true, "2Gi", "50Gi", DateTimeOffset.UtcNow.AddSeconds(30)));
        var upgradesBefore = _helm.AllValues.Count;

        var (outcome, progress) = await ResizeAsync(platform, resize);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Equal("DeployHelmChart", failed.Step);
        Assert.Contains("admission webhook", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.Compensated);
        Assert.Contains(progress, p => p.Step == "Compensate" && p.Outcome == ProvisioningProgress.Compensated && p.Message.StartsWith("professional shape put back", StringComparison.Ordinal));
        // The second upgrade (the rollback) carried the professional shape; the quota ends at professional's.
        var values = _helm.AllValues.Skip(upgradesBefore).Select(Yaml).ToList();
        Assert.Equal(["8Gi", "2Gi"], values.Select(v => At(v, "postgresql.resources.limits.memory")));
        var professional = TenantNamespaces.Quota(resize.From).Spec.Hard["requests.memory"].ToString();
        Assert.Equal(professional, QuotaWrites()[^1]["requests.memory"]!.GetValue<string>());
        Assert.Equal("professional", _api.Get("namespaces", null, ns)!["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_namespace_that_is_not_the_tenants_is_not_resized()
    {
        var platform = Platform();
        var plan = Plan();
        _api.Put("namespaces", null, Namespace(plan.Names.DedicatedNamespace, tenantLabel: "someone-else"));
        var resize = DedicatedResizePlan.For(new ResizeDedicatedTenant
        {
            CorrelationId = plan.Command.CorrelationId, TenantId = plan.Names.TenantId, TierChange = 1, OldTier = "professional", NewTier = "enterprise",
        }, _services!.GetRequiredService<IOptions<ProvisioningOptions>>().Value);

        var (outcome, _) = await ResizeAsync(platform, resize);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Contains("not labelled for tenant", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(_helm.Calls);
        Assert.DoesNotContain(_api.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal) || r.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_ready_state_left_over_from_before_the_change_does_not_count_as_resized()
    {
        var (platform, resize) = await ProvisionedForResizeAsync("enterprise", "professional");
        // The spec already says 1 × 2Gi, but Ready dates from before the upgrade: CloudNativePG has not restarted anything yet.
        _api.Put("clusters", resize.Namespace, Cluster(1, 1, true, "2Gi", "200Gi", DateTimeOffset.UtcNow.AddHours(-1)));

        var (outcome, _) = await ResizeAsync(platform, resize);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Equal("WaitForPostgres", failed.Step);
        Assert.Contains("database timeout", failed.Reason, StringComparison.Ordinal);
    }
}
