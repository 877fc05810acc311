using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>The tenant namespace's ResourceQuota against everything the chart and the cluster run in it at once.</summary>
public sealed class TenantQuotaTests
{
    /// <summary>
    /// Quota admission refuses a pod (403 "exceeded quota") once the namespace's requests would pass the quota. The
    /// busiest moment: an upgrade's surge pods (maxSurge as the chart sets it) while a certificate's HTTP-01 solver runs,
    /// each instance's backup sidecar defaulted by the LimitRange, and a replica's join job.
    /// </summary>
    [Theory]
    [InlineData("professional")]
    [InlineData("enterprise")]
    public void The_quota_admits_a_rolling_update_a_certificate_solver_backup_sidecars_and_a_join_job(string tier)
    {
        var limits = new ProvisioningOptions().TierResourceLimits[tier];
        static long Bytes(string quantity) => (long)new k8s.Models.ResourceQuantity(quantity).ToDecimal();
        int Surge(string template) => int.Parse(File.ReadAllLines(Path.Combine(KubernetesPlatformTests.RepositoryRoot(), "k8s", "charts", "mechanicbuddy-tenant", "templates", template))
            .Single(l => l.Trim().StartsWith("maxSurge:", StringComparison.Ordinal)).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var busiest = (limits.ApiReplicas + Surge("api-deployment.yaml")) * Bytes(limits.ApiMemory)
            + (limits.WebReplicas + Surge("web-deployment.yaml")) * Bytes(limits.WebMemory)
            + limits.PostgresInstances * Bytes(limits.PostgresMemory)
            + Bytes("64Mi")
            + (limits.BackupEnabled ? limits.PostgresInstances * Bytes(TenantNamespacesLimitRangeRequest()) : 0)
            + (limits.PostgresInstances > 1 ? Bytes(limits.PostgresMemory) : 0);

        var hard = TenantNamespaces.Quota(limits).Spec.Hard;

        Assert.True(Bytes(hard["requests.memory"].ToString()) >= busiest, $"{tier}: quota {hard["requests.memory"]} < {busiest >> 20}Mi at the busiest moment");
        Assert.True(Bytes(hard["limits.memory"].ToString()) >= busiest);
    }

    /// <summary>The memory request the LimitRange gives a container without one, read from the LimitRange itself.</summary>
    static string TenantNamespacesLimitRangeRequest() =>
        TenantNamespaces.LimitRange().Spec.Limits[0].DefaultRequest["memory"].ToString();
}
