using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Tenancy.Configuration;
using YamlDotNet.Serialization;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>
/// The tenant chart's values for one tenant (seed step 2): identity, domains, TLS, and the tier's figures from
/// Provisioning:TierResourceLimits. Key names are the chart's (k8s/charts/mechanicbuddy-tenant/values.yaml); a test
/// checks every key written here is used by a template.
/// </summary>
public static class HelmValues
{
    public const string TlsSecretName = "tenant-tls";
    public const string PostgresClusterName = "postgres";
    /// <summary>The database CloudNativePG bootstraps and the secret holding its owner's credentials (templates/postgres-cluster.yaml, secrets.yaml).</summary>
    public const string PostgresDatabase = "mechanicbuddy";
    public const string PostgresAppSecret = "postgres-app";
    /// <summary>CloudNativePG's own secret for the cluster's superuser (enableSuperuserAccess in the chart): "{cluster}-superuser".</summary>
    public const string PostgresSuperuserSecret = PostgresClusterName + "-superuser";
    public const string ApiName = "api";
    public const string WebName = "web";
    public const string IngressName = "tenant";

    public static Dictionary<string, object> Build(DedicatedTenantPlan plan, KubernetesOptions kube)
    {
        var command = plan.Command;
        var values = Shape(plan.Names.TenantId, command.SubscriptionTier, plan.Limits, kube);
        var tenant = (Dictionary<string, object>)values["tenant"];
        tenant["companyName"] = command.CompanyName;
        tenant["ownerEmail"] = command.OwnerEmail;
        values["domains"] = new Dictionary<string, object> { ["default"] = plan.DefaultHostname, ["custom"] = plan.CustomDomain ?? "" };
        values["tls"] = new Dictionary<string, object> { ["enabled"] = true, ["clusterIssuer"] = kube.ClusterIssuer, ["secretName"] = TlsSecretName };
        values["ingress"] = new Dictionary<string, object> { ["className"] = kube.IngressClassName };
        ((Dictionary<string, object>)values["api"])["image"] = kube.ApiImage;
        ((Dictionary<string, object>)values["web"])["image"] = kube.WebImage;
        // A hash (PBKDF2), never the password: the API's first start seeds the admin from it.
        values["admin"] = new Dictionary<string, object> { ["passwordHash"] = command.AdminPasswordHash };
        return values;
    }

    /// <summary>
    /// The values a tier decides, and only those: what a resize in place sends with helm's --reuse-values, so the
    /// release keeps its identity, domains and admin hash and takes the new tier's instances, replicas, memory and limits.
    /// </summary>
    public static Dictionary<string, object> Shape(string tenantId, string tier, TierResourceLimits limits, KubernetesOptions kube)
    {
        var backups = limits.BackupEnabled && !string.IsNullOrWhiteSpace(kube.BackupDestinationPath);
        return new Dictionary<string, object>
        {
            ["tenant"] = new Dictionary<string, object> { ["id"] = tenantId, ["tier"] = tier },
            ["postgresql"] = new Dictionary<string, object>
            {
                ["instances"] = limits.PostgresInstances,
                ["storage"] = new Dictionary<string, object> { ["size"] = limits.PostgresStorage },
                ["resources"] = Memory(limits.PostgresMemory),
                ["backup"] = new Dictionary<string, object>
                {
                    ["enabled"] = backups,
                    ["retention"] = limits.BackupRetention ?? "7d",
                    ["destinationPath"] = backups ? kube.BackupDestinationPath!.TrimEnd('/') + "/" + tenantId : "",
                    ["credentialsSecret"] = kube.BackupCredentialsSecret,
                },
            },
            ["api"] = new Dictionary<string, object> { ["replicas"] = limits.ApiReplicas, ["resources"] = Memory(limits.ApiMemory) },
            ["web"] = new Dictionary<string, object> { ["replicas"] = limits.WebReplicas, ["resources"] = Memory(limits.WebMemory) },
            ["billing"] = new Dictionary<string, object> { ["mechanicLimit"] = limits.MechanicLimit },
        };
    }

    /// <summary>Guaranteed memory: request equals limit, so the tier's figure is what the pod really gets.</summary>
    static Dictionary<string, object> Memory(string memory) => new()
    {
        ["requests"] = new Dictionary<string, object> { ["memory"] = memory },
        ["limits"] = new Dictionary<string, object> { ["memory"] = memory },
    };

    public static string ToYaml(Dictionary<string, object> values) =>
        new SerializerBuilder().WithQuotingNecessaryStrings().Build().Serialize(values);
}
