using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using static MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes.FieldValidation;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>
/// The tenant's namespace and its guard rails: labels, the control plane's RoleBinding (its rights here and only here),
/// a ResourceQuota sized from the tier (with a LimitRange so pods without requests are still admitted) and a
/// default-deny NetworkPolicy that lets in only the ingress controller, the namespace itself, the control plane (to
/// PostgreSQL) and the CloudNativePG operator. Every call is create-or-replace, so a re-run converges.
/// </summary>
public sealed class TenantNamespaces(IKubernetes client, IOptions<KubernetesOptions> options, TimeProvider clock)
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "mechanicbuddy";
    public const string TierLabel = "mechanicbuddy.app/tier";
    public const string TenantLabel = "mechanicbuddy.app/tenant-id";
    public const string QuotaName = "tenant-quota";
    public const string LimitRangeName = "tenant-defaults";
    public const string NetworkPolicyName = "default-deny-ingress";
    public const string RoleBindingName = "mechanicbuddy-mgmt";

    KubernetesOptions Kube => options.Value;

    public async Task EnsureAsync(TenantNames names, string tier, TierResourceLimits limits, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>
        {
            [ManagedByLabel] = ManagedBy,
            [TierLabel] = tier,
            [TenantLabel] = names.TenantId,
            // The seed's short labels, kept for selectors written against it.
            ["tier"] = tier,
            ["managed-by"] = ManagedBy,
        };
        // A namespace being deleted (an earlier removal of this tenant) answers a create 409 "object is being deleted" and
        // refuses any content with 403 until it is gone: wait for it, whether it is seen before the create or by it.
        var existing = await ReadAsync(names.DedicatedNamespace, cancellationToken);
        for (var attempt = 0; existing is null || IsTerminating(existing); attempt++)
        {
            if (attempt > 2 || (existing is not null
                    && !await WaitUntilGoneAsync(names.DedicatedNamespace, TimeSpan.FromSeconds(Kube.NamespaceDeleteTimeoutSeconds), cancellationToken)))
            {
                throw new InvalidOperationException($"namespace {names.DedicatedNamespace} is still being deleted (Terminating); retry once it is gone");
            }
            try
            {
                await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = names.DedicatedNamespace, Labels = labels } },
                    fieldValidation: Strict, cancellationToken: cancellationToken);
                existing = null;
                break;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                existing = await ReadAsync(names.DedicatedNamespace, cancellationToken);
            }
        }
        if (existing is not null)
        {
            if (!BelongsTo(existing, names.TenantId))
            {
                throw new InvalidOperationException($"namespace {names.DedicatedNamespace} exists and is not this tenant's (label {TenantLabel}); refusing to use it");
            }
            var patch = new V1Patch(new { metadata = new { labels } }, V1Patch.PatchType.MergePatch);
            await client.CoreV1.PatchNamespaceAsync(patch, names.DedicatedNamespace, fieldValidation: Strict, cancellationToken: cancellationToken);
        }

        var ns = names.DedicatedNamespace;
        // First, so that helm (and the provisioner's own reads of the tenant's secrets) may work in this namespace.
        await CreateOrReplaceAsync(
            () => client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding(), ns, fieldValidation: Strict, cancellationToken: cancellationToken),
            () => client.RbacAuthorizationV1.ReplaceNamespacedRoleBindingAsync(RoleBinding(), RoleBindingName, ns, fieldValidation: Strict, cancellationToken: cancellationToken));
        await CreateOrReplaceAsync(
            () => client.CoreV1.CreateNamespacedResourceQuotaAsync(Quota(limits), ns, fieldValidation: Strict, cancellationToken: cancellationToken),
            () => client.CoreV1.ReplaceNamespacedResourceQuotaAsync(Quota(limits), QuotaName, ns, fieldValidation: Strict, cancellationToken: cancellationToken));
        await QuotaInForceAsync(ns, Quota(limits), TimeSpan.FromSeconds(Kube.QuotaSyncTimeoutSeconds), cancellationToken);
        await CreateOrReplaceAsync(
            () => client.CoreV1.CreateNamespacedLimitRangeAsync(LimitRange(), ns, fieldValidation: Strict, cancellationToken: cancellationToken),
            () => client.CoreV1.ReplaceNamespacedLimitRangeAsync(LimitRange(), LimitRangeName, ns, fieldValidation: Strict, cancellationToken: cancellationToken));
        await CreateOrReplaceAsync(
            () => client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(NetworkPolicy(), ns, fieldValidation: Strict, cancellationToken: cancellationToken),
            () => client.NetworkingV1.ReplaceNamespacedNetworkPolicyAsync(NetworkPolicy(), NetworkPolicyName, ns, fieldValidation: Strict, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Quota admission judges a pod by the quota's status, which the quota controller fills in after a write: until
    /// then a new quota refuses every pod ("status unknown for quota") and a widened one still holds the old figures.
    /// So wait (briefly) until status.hard is what was written; past the limit the controllers' own retries take over.
    /// </summary>
    async Task<bool> QuotaInForceAsync(string ns, V1ResourceQuota written, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + limit;
        while (true)
        {
            var current = await client.CoreV1.ReadNamespacedResourceQuotaAsync(QuotaName, ns, cancellationToken: cancellationToken);
            var hard = current.Status?.Hard;
            if (hard is not null && written.Spec.Hard.All(w => hard.TryGetValue(w.Key, out var h) && h.ToDecimal() == w.Value.ToDecimal()))
            {
                return true;
            }
            if (clock.GetUtcNow() >= deadline)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }
    }

    static bool IsTerminating(V1Namespace ns) => ns.Metadata?.DeletionTimestamp is not null || ns.Status?.Phase == "Terminating";

    public static bool BelongsTo(V1Namespace ns, string tenantId) =>
        ns.Metadata?.Labels?.TryGetValue(TenantLabel, out var owner) == true && owner == tenantId;

    /// <summary>Every namespace labelled as a MechanicBuddy tenant's, by tenant id (for the drift check).</summary>
    public async Task<IReadOnlyList<string>> ListManagedTenantsAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNamespaceAsync(labelSelector: $"{ManagedByLabel}={ManagedBy}", cancellationToken: cancellationToken);
        return list.Items.Select(ns => ns.Metadata?.Labels?.TryGetValue(TenantLabel, out var id) == true ? id : null).OfType<string>().ToList();
    }

    public async Task<V1Namespace?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes the namespace (everything in it goes with it) and waits until the API no longer has it. True when gone.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespaceAsync(name, propagationPolicy: "Foreground", cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
        return await WaitUntilGoneAsync(name, TimeSpan.FromSeconds(Kube.NamespaceDeleteTimeoutSeconds), cancellationToken);
    }

    async Task<bool> WaitUntilGoneAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A namespace is gone when a list filtered to its name is empty; the watch reports the DELETED event.
        var result = await ReadinessWatch.WaitAsync<V1Namespace, V1NamespaceList>(
            token => client.CoreV1.ListNamespaceAsync(fieldSelector: $"metadata.name={name}", cancellationToken: token),
            (version, onError, token) => client.CoreV1.WatchListNamespaceAsync(fieldSelector: $"metadata.name={name}", resourceVersion: version,
                onError: onError, cancellationToken: token),
            _ => false, ns => ns.Status?.Phase ?? "present", timeout, clock, cancellationToken, readyWhenAbsent: true);
        return result.Ready;
    }

    static async Task CreateOrReplaceAsync(Func<Task> create, Func<Task> replace)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await replace();
        }
    }

    /// <summary>Memory cert-manager's HTTP-01 solver pod requests (its default) while a certificate is issued.</summary>
    public const string SolverMemory = "64Mi";
    /// <summary>What the LimitRange gives a container that states no request (a backup sidecar CloudNativePG's plugin adds).</summary>
    public const string DefaultedRequestMemory = "128Mi";

    /// <summary>
    /// Requests for the worst moment of the tenant's life, not its quiet one: every pod at its limit, plus the surge
    /// pod of each rolling update (the chart's maxSurge 1 for API and Web), cert-manager's HTTP-01 solver, the backup
    /// sidecar of each PostgreSQL instance (defaulted by the LimitRange), and, with replicas, the join job of a new
    /// instance (it runs with the instance's resources). Limits are twice that; the database volumes get a quarter
    /// spare for WAL growth. A quota without that room answers the surge pod 403 "exceeded quota" and the update stalls.
    /// </summary>
    public static V1ResourceQuota Quota(TierResourceLimits limits)
    {
        var steady = limits.PostgresInstances * Bytes(limits.PostgresMemory) + limits.ApiReplicas * Bytes(limits.ApiMemory) + limits.WebReplicas * Bytes(limits.WebMemory);
        var memory = steady + Bytes(limits.ApiMemory) + Bytes(limits.WebMemory) + Bytes(SolverMemory)
            + (limits.BackupEnabled ? limits.PostgresInstances * Bytes(DefaultedRequestMemory) : 0)
            + (limits.PostgresInstances > 1 ? Bytes(limits.PostgresMemory) : 0);
        var storage = limits.PostgresInstances * Bytes(limits.PostgresStorage) * 5 / 4;
        var pods = (limits.PostgresInstances + limits.ApiReplicas + limits.WebReplicas) * 2 + 2;
        return new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = QuotaName },
            Spec = new V1ResourceQuotaSpec
            {
                Hard = new Dictionary<string, ResourceQuantity>
                {
                    ["limits.memory"] = new(Mebibytes(2 * memory)),
                    ["requests.memory"] = new(Mebibytes(memory)),
                    ["requests.storage"] = new(Mebibytes(storage)),
                    ["persistentvolumeclaims"] = new((limits.PostgresInstances * 2).ToString(CultureInfo.InvariantCulture)),
                    ["pods"] = new(pods.ToString(CultureInfo.InvariantCulture)),
                },
            },
        };
    }

    /// <summary>
    /// The control plane's rights in this namespace only (secrets, services, the chart's objects): Kubernetes RBAC cannot
    /// select namespaces by label, so instead of granting them cluster-wide the platform role may bind this one ClusterRole
    /// (the bind verb on it), and does so in each tenant namespace it makes.
    /// </summary>
    public V1RoleBinding RoleBinding() => new()
    {
        Metadata = new V1ObjectMeta { Name = RoleBindingName },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = Kube.TenantClusterRole },
        Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = Kube.ControlPlaneServiceAccount, NamespaceProperty = Kube.ControlPlaneNamespace }],
    };

    public static V1LimitRange LimitRange() => new()
    {
        Metadata = new V1ObjectMeta { Name = LimitRangeName },
        Spec = new V1LimitRangeSpec
        {
            Limits =
            [
                new V1LimitRangeItem
                {
                    Type = "Container",
                    DefaultProperty = new Dictionary<string, ResourceQuantity> { ["memory"] = new("256Mi") },
                    DefaultRequest = new Dictionary<string, ResourceQuantity> { ["memory"] = new(DefaultedRequestMemory), ["cpu"] = new("50m") },
                },
            ],
        },
    };

    public V1NetworkPolicy NetworkPolicy() => new()
    {
        Metadata = new V1ObjectMeta { Name = NetworkPolicyName },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector(),
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector() }] },
                new V1NetworkPolicyIngressRule
                {
                    FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = NamespaceNamed(Kube.IngressControllerNamespace) }],
                },
                // The control plane reaches the tenant's PostgreSQL only (a tier change's copy and verify, its DDL).
                new V1NetworkPolicyIngressRule
                {
                    FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = NamespaceNamed(Kube.ControlPlaneNamespace) }],
                    Ports = [new V1NetworkPolicyPort { Port = 5432, Protocol = "TCP" }],
                },
                new V1NetworkPolicyIngressRule
                {
                    FromProperty =
                    [
                        new V1NetworkPolicyPeer
                        {
                            NamespaceSelector = NamespaceNamed(Kube.CnpgOperatorNamespace),
                            PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "cloudnative-pg" } },
                        },
                    ],
                    Ports = [new V1NetworkPolicyPort { Port = 8000, Protocol = "TCP" }, new V1NetworkPolicyPort { Port = 5432, Protocol = "TCP" }],
                },
            ],
        },
    };

    static V1LabelSelector NamespaceNamed(string name) =>
        new() { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } };

    static long Bytes(string quantity) => (long)new ResourceQuantity(quantity).ToDecimal();

    static string Mebibytes(long bytes) => $"{(bytes + (1L << 20) - 1) >> 20}Mi";
}
