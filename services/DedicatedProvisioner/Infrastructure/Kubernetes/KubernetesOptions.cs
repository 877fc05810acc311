using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>Section <c>Kubernetes</c>: the cluster dedicated tenants live in, and what the tenant chart needs from it.</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>Use the pod's service account (the platform's own deployment in mechanicbuddy-system).</summary>
    public bool InCluster { get; set; }

    /// <summary>A kubeconfig file (and optionally its context), for running outside the cluster.</summary>
    public string? KubeConfigPath { get; set; }
    public string? Context { get; set; }

    /// <summary>An API server address without credentials (tests, kubectl proxy).</summary>
    public string? Host { get; set; }

    public bool IsConfigured => InCluster || !string.IsNullOrWhiteSpace(KubeConfigPath) || !string.IsNullOrWhiteSpace(Host);

    [Required]
    public string HelmPath { get; set; } = "helm";

    [Required]
    public string ChartPath { get; set; } = "k8s/charts/mechanicbuddy-tenant";

    /// <summary>Passed to helm as --timeout for the release's own hooks; readiness is watched by the provisioner afterwards.</summary>
    [Required, RegularExpression(@"^\d+[smh]$")]
    public string HelmTimeout { get; set; } = "5m";

    /// <summary>The seed's 5 minutes per readiness wait (PostgreSQL, API, Web).</summary>
    [Range(1, 3600)]
    public int ReadyTimeoutSeconds { get; set; } = 300;

    /// <summary>How long deprovisioning waits for a deleted namespace to disappear.</summary>
    [Range(1, 3600)]
    public int NamespaceDeleteTimeoutSeconds { get; set; } = 300;

    /// <summary>How long to wait for the quota controller to put a written ResourceQuota in force (its status) before going on.</summary>
    [Range(0, 600)]
    public int QuotaSyncTimeoutSeconds { get; set; } = 30;

    /// <summary>Namespaces whose pods the tenant's default-deny NetworkPolicy admits.</summary>
    [Required]
    public string IngressControllerNamespace { get; set; } = "ingress-nginx";

    [Required]
    public string CnpgOperatorNamespace { get; set; } = "cnpg-system";

    /// <summary>
    /// Where the control plane runs (k8s/platform): its pods reach each tenant's PostgreSQL (a tier change's data move)
    /// through the tenant's NetworkPolicy, and its service account gets the tenant role in each tenant namespace only.
    /// </summary>
    [Required]
    public string ControlPlaneNamespace { get; set; } = "mechanicbuddy-system";

    [Required]
    public string ControlPlaneServiceAccount { get; set; } = "mechanicbuddy-mgmt";

    /// <summary>The ClusterRole (k8s/platform/10-rbac.yaml) bound in each tenant namespace, never cluster-wide: secrets, services, the chart's objects.</summary>
    [Required]
    public string TenantClusterRole { get; set; } = "mechanicbuddy-tenant";

    [Required]
    public string IngressClassName { get; set; } = "nginx";

    [Required]
    public string ClusterIssuer { get; set; } = "letsencrypt-prod";

    [Required]
    public string ApiImage { get; set; } = "ghcr.io/mechanicbuddy/api:latest";

    [Required]
    public string WebImage { get; set; } = "ghcr.io/mechanicbuddy/web:latest";

    /// <summary>Object store for the tenants' PostgreSQL backups (Barman Cloud); backups are off when empty.</summary>
    public string? BackupDestinationPath { get; set; }

    /// <summary>Secret in each tenant namespace holding the object store's credentials (copied there by ops tooling).</summary>
    public string BackupCredentialsSecret { get; set; } = "backup-credentials";

    /// <summary>
    /// The address of a tenant's CloudNativePG read-write service as the control plane reaches it (the data move of a
    /// tier change, a fleet rollout's migration): <c>{service}</c> and <c>{namespace}</c> are filled in. In the
    /// cluster the service's DNS name; a cluster with another DNS domain, or a control plane that reaches the
    /// databases through a tunnel, says so here.
    /// </summary>
    [Required, RegularExpression(@"^[^\s/]+$")]
    public string DatabaseHost { get; set; } = "{service}.{namespace}.svc";

    [Range(1, 65535)]
    public int DatabasePort { get; set; } = 5432;

    public string DatabaseHostOf(string service, string ns) => DatabaseHost.Replace("{service}", service, StringComparison.Ordinal)
        .Replace("{namespace}", ns, StringComparison.Ordinal);
}
