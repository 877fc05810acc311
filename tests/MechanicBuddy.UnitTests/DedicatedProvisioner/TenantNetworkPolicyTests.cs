using k8s.Models;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// The tenant namespace's NetworkPolicy, evaluated as a CNI that enforces policies evaluates it (ingress rules: a
/// connection to a selected pod is allowed when some rule's peers and ports both match; a peer's namespaceSelector and
/// podSelector together mean pods of that selector in those namespaces), for every connection our system makes and for
/// the ones it must refuse.
/// </summary>
public sealed class TenantNetworkPolicyTests
{
    const string Tenant = "tenant-acme-auto-0v3x1w";
    static readonly Dictionary<string, string> Postgres = new() { ["cnpg.io/cluster"] = "postgres", ["cnpg.io/instanceRole"] = "primary" };
    static readonly Dictionary<string, string> Web = new() { ["app.kubernetes.io/name"] = "web" };

    public sealed record Pod(string Namespace, Dictionary<string, string> Labels);

    static Pod In(string ns, string name) => new(ns, new Dictionary<string, string> { ["app.kubernetes.io/name"] = name });

    public static TheoryData<string, Pod, Dictionary<string, string>, int, bool> Connections => new()
    {
        { "a tier change's data move (DedicatedProvisioner → postgres-rw)", In("mechanicbuddy-system", "dedicated-provisioner"), Postgres, 5432, true },
        { "the ingress controller → the shop's web", In("ingress-nginx", "ingress-nginx"), Web, 8080, true },
        { "the shop's own API → its database", In(Tenant, "api"), Postgres, 5432, true },
        { "the CNPG operator → the instance manager", In("cnpg-system", "cloudnative-pg"), Postgres, 8000, true },
        { "the control plane → anything but PostgreSQL", In("mechanicbuddy-system", "dedicated-provisioner"), Web, 8080, false },
        { "another tenant → this tenant's database", In("tenant-other-shop-9z8y7x", "api"), Postgres, 5432, false },
        { "another pod of the operator's namespace → the database", In("cnpg-system", "something-else"), Postgres, 5432, false },
    };

    [Theory]
    [MemberData(nameof(Connections))]
    public void The_policy_admits_exactly_the_connections_the_system_makes(string connection, Pod from, Dictionary<string, string> to, int port, bool allowed)
    {
        var policy = new TenantNamespaces(null!, Options.Create(new KubernetesOptions()), TimeProvider.System).NetworkPolicy();

        Assert.True(Allows(policy, Tenant, from, to, port) == allowed, $"{connection}: expected {(allowed ? "allowed" : "refused")}");
    }

    static bool Allows(V1NetworkPolicy policy, string policyNamespace, Pod from, Dictionary<string, string> to, int port)
    {
        Assert.Contains("Ingress", policy.Spec.PolicyTypes);
        if (!Matches(policy.Spec.PodSelector, to))
        {
            return true; // not selected: no policy applies
        }
        return (policy.Spec.Ingress ?? []).Any(rule =>
            (rule.FromProperty is null || rule.FromProperty.Count == 0 || rule.FromProperty.Any(peer => PeerMatches(peer, policyNamespace, from)))
            && (rule.Ports is null || rule.Ports.Count == 0 || rule.Ports.Any(p => p.Port?.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    static bool PeerMatches(V1NetworkPolicyPeer peer, string policyNamespace, Pod from)
    {
        Assert.Null(peer.IpBlock);
        // The API server labels every namespace with its own name.
        var namespaceLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = from.Namespace };
        var inNamespaces = peer.NamespaceSelector is null ? from.Namespace == policyNamespace : Matches(peer.NamespaceSelector, namespaceLabels);
        return inNamespaces && (peer.PodSelector is null || Matches(peer.PodSelector, from.Labels));
    }

    static bool Matches(V1LabelSelector selector, Dictionary<string, string> labels)
    {
        Assert.True(selector.MatchExpressions is null || selector.MatchExpressions.Count == 0, "matchExpressions are not evaluated here");
        return (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }
}
