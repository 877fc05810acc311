using System.Text;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using System.Text.Json.Nodes;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>API objects in the shapes the API server and the operators (CloudNativePG, cert-manager) report them.</summary>
public static class KubernetesObjects
{
    public static JsonObject Deployment(string name, int replicas, int ready, long generation = 1, long observed = 1) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["generation"] = generation },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/component"] = name } },
            ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/component"] = name } } },
        },
        ["status"] = new JsonObject
        {
            // Every pod of the new version, "ready" of them ready: the usual shape while new pods start.
            ["observedGeneration"] = observed, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["readyReplicas"] = ready, ["availableReplicas"] = ready,
        },
    };

    /// <param name="readySince">When Ready last changed (CloudNativePG sets it when every instance is ready again).</param>
    public static JsonObject Cluster(int instances, int ready, bool readyCondition, string memory = "2Gi", string storage = "50Gi", DateTimeOffset? readySince = null) => new()
    {
        ["apiVersion"] = "postgresql.cnpg.io/v1",
        ["kind"] = "Cluster",
        ["metadata"] = new JsonObject { ["name"] = "postgres" },
        ["spec"] = new JsonObject
        {
            ["instances"] = instances,
            ["storage"] = new JsonObject { ["size"] = storage },
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["memory"] = memory }, ["limits"] = new JsonObject { ["memory"] = memory } },
        },
        ["status"] = new JsonObject
        {
            ["instances"] = instances,
            ["readyInstances"] = ready,
            ["phase"] = readyCondition ? "Cluster in healthy state" : "Setting up primary",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Ready", ["status"] = readyCondition ? "True" : "False", ["reason"] = readyCondition ? "ClusterIsReady" : "ClusterIsNotReady",
                ["message"] = readyCondition ? "Cluster is Ready" : "Cluster Is Not Ready",
                ["lastTransitionTime"] = (readySince ?? new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            }),
        },
    };

    public static JsonObject Ingress(params string[] hosts) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "Ingress",
        ["metadata"] = new JsonObject
        {
            ["name"] = "tenant",
            ["annotations"] = new JsonObject { ["cert-manager.io/cluster-issuer"] = "letsencrypt-prod" },
        },
        ["spec"] = new JsonObject
        {
            ["ingressClassName"] = "nginx",
            ["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray(hosts.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()), ["secretName"] = "tenant-tls" }),
            ["rules"] = new JsonArray(hosts.Select(h => (JsonNode)new JsonObject { ["host"] = h }).ToArray()),
        },
    };

    public static JsonObject Certificate(bool ready, string message) => new()
    {
        ["apiVersion"] = "cert-manager.io/v1",
        ["kind"] = "Certificate",
        ["metadata"] = new JsonObject { ["name"] = "tenant-tls" },
        // What ingress-shim makes from the Ingress's cert-manager.io/cluster-issuer annotation.
        ["spec"] = new JsonObject
        {
            ["secretName"] = "tenant-tls",
            ["dnsNames"] = new JsonArray("shop.acmeauto.com"),
            ["issuerRef"] = new JsonObject { ["name"] = "letsencrypt-prod", ["kind"] = "ClusterIssuer", ["group"] = "cert-manager.io" },
        },
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["message"] = message }),
        },
    };

    public static JsonObject Namespace(string name, string? tenantLabel, string? phase = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = tenantLabel is null ? new JsonObject() : new JsonObject { ["mechanicbuddy.app/tenant-id"] = tenantLabel },
        },
        ["status"] = new JsonObject { ["phase"] = phase ?? "Active" },
    };

    /// <summary>A basic-auth secret as the chart (postgres-app) or CloudNativePG (postgres-superuser) leaves it in the namespace.</summary>
    public static JsonObject AppSecret(string ns, string username, string password, string name = HelmValues.PostgresAppSecret) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["type"] = "kubernetes.io/basic-auth",
        ["data"] = new JsonObject
        {
            ["username"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(username)),
            ["password"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(password)),
        },
    };

    /// <summary>What the chart's templates would have made once the release is installed.</summary>
    public static void ReleaseObjects(FakeKubernetesApi api, DedicatedTenantPlan plan, bool clusterReady = true, int apiReady = 2, int webReady = 2,
        bool certificateReady = true)
    {
        var ns = plan.Names.DedicatedNamespace;
        api.Put("clusters", ns, Cluster(1, clusterReady ? 1 : 0, clusterReady));
        api.Put("deployments", ns, Deployment("api", 2, apiReady));
        api.Put("deployments", ns, Deployment("web", 2, webReady));
        api.Put("ingresses", ns, Ingress([.. plan.Hostnames]));
        api.Put("certificates", ns, Certificate(certificateReady, certificateReady ? "Certificate is up to date and has not expired" : "Issuing certificate as Secret does not exist"));
    }
}
