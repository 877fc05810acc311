using System.Text.RegularExpressions;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using YamlDotNet.RepresentationModel;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>The chart, the platform manifests and docker-compose.yml hold together (no cluster or Docker needed).</summary>
public sealed partial class DeploymentFilesTests
{
    static readonly string Root = KubernetesPlatformTests.RepositoryRoot();
    static readonly string Chart = Path.Combine(Root, "k8s", "charts", "mechanicbuddy-tenant");

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z0-9_]+)+)")]
    private static partial Regex ValuesReference();

    static List<YamlDocument> Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return [.. stream.Documents];
    }

    /// <summary>Every leaf of a mapping as a dotted path.</summary>
    static IEnumerable<string> Leaves(YamlNode node, string prefix = "")
    {
        if (node is YamlMappingNode mapping && mapping.Children.Count > 0)
        {
            return mapping.Children.SelectMany(c => Leaves(c.Value, prefix.Length == 0 ? ((YamlScalarNode)c.Key).Value! : $"{prefix}.{((YamlScalarNode)c.Key).Value}"));
        }
        return [prefix];
    }

    static IEnumerable<string> Leaves(object value, string prefix = "") => value is Dictionary<string, object> map
        ? map.SelectMany(kv => Leaves(kv.Value, prefix.Length == 0 ? kv.Key : $"{prefix}.{kv.Key}"))
        : [prefix];

    static HashSet<string> TemplateReferences() =>
        Directory.EnumerateFiles(Path.Combine(Chart, "templates"))
            .SelectMany(f => ValuesReference().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value[1..]))
            .ToHashSet();

    static HashSet<string> DefaultPaths()
    {
        var root = Load(Path.Combine(Chart, "values.yaml"))[0].RootNode;
        var leaves = Leaves(root).ToList();
        // A parent path (used with toYaml) has a default when any leaf under it has one.
        return leaves.SelectMany(l => l.Split('.').Select((_, i) => string.Join('.', l.Split('.').Take(i + 1)))).ToHashSet();
    }

    static Dictionary<string, object> WrittenValues(string tier = "enterprise")
    {
        var command = new BuildTenantSide
        {
            Side = TenantSideRoles.Current, DeploymentMode = "dedicated", CorrelationId = Guid.NewGuid(), TenantId = "acme-auto-a1b2c3", CompanyName = "Acme Auto Repair", SubscriptionTier = tier,
            OwnerEmail = "owner@acmeauto.com", CustomDomain = "shop.acmeauto.com", AdminPasswordHash = "PBKDF2$SHA256$10000$c2FsdA==$aGFzaA==",
        };
        var plan = DedicatedTenantPlan.For(command, new ProvisioningOptions());
        return HelmValues.Build(plan, new KubernetesOptions { BackupDestinationPath = "s3://backups/tenants" });
    }

    [Fact]
    public void Every_value_the_provisioner_writes_is_used_by_a_template()
    {
        var references = TemplateReferences();

        var unused = Leaves(WrittenValues()).Where(leaf => !references.Any(r => leaf == r || leaf.StartsWith(r + ".", StringComparison.Ordinal))).ToList();

        Assert.Empty(unused);
    }

    [Fact]
    public void Every_value_a_template_reads_has_a_default_and_every_default_is_read()
    {
        var defaults = DefaultPaths();
        var references = TemplateReferences();

        var withoutDefault = references.Where(r => !defaults.Contains(r)).ToList();
        var leaves = Leaves(Load(Path.Combine(Chart, "values.yaml"))[0].RootNode);
        var neverRead = leaves.Where(leaf => !references.Any(r => leaf == r || leaf.StartsWith(r + ".", StringComparison.Ordinal))).ToList();

        Assert.Empty(withoutDefault);
        Assert.Empty(neverRead);
    }

    [Fact]
    public void The_provisioner_writes_only_keys_the_chart_knows()
    {
        var defaults = DefaultPaths();

        var unknown = Leaves(WrittenValues()).Where(leaf => !defaults.Contains(leaf)).ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_yaml_file_parses()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, "k8s"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}templates{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(Root, "docker-compose.yml"))
            .ToList();
        Assert.True(files.Count >= 8, string.Join(", ", files));

        foreach (var file in files)
        {
            var documents = Load(file);
            Assert.True(documents.Count > 0, file);
        }
    }

    [Fact]
    public void Templates_parse_once_their_directives_are_replaced()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Chart, "templates"), "*.yaml"))
        {
            // Whole-line directives (include/toYaml blocks, if/range/end) go; inline ones become a scalar.
            var lines = File.ReadAllLines(file)
                .Where(l => !Regex.IsMatch(l, @"^\s*\{\{-?.*-?\}\}\s*$"))
                .Select(l => Regex.Replace(l, @"\{\{-?.*?-?\}\}", "placeholder"));
            var stream = new YamlStream();
            stream.Load(new StringReader(string.Join('\n', lines)));
            Assert.All(stream.Documents, d => Assert.IsType<YamlMappingNode>(d.RootNode));
        }
    }

    /// <summary>
    /// Cluster-wide, the platform role makes and removes tenant namespaces and their guard rails, and binds the tenant
    /// role (what the provisioner does in TenantNamespaces); inside a tenant namespace, that role grants every call the
    /// driver and helm make (helm's --wait reads ReplicaSets and claims). Nothing grants secrets cluster-wide.
    /// </summary>
    [Fact]
    public void The_platform_roles_grant_every_call_the_kubernetes_driver_and_helm_make_and_secrets_only_per_tenant_namespace()
    {
        var documents = Load(Path.Combine(Root, "k8s", "platform", "10-rbac.yaml")).Select(d => (YamlMappingNode)d.RootNode).ToList();
        List<(string Group, string Resource, List<string> Verbs, List<string> Names)> Rules(string role) =>
            ((YamlSequenceNode)documents.Single(d => Scalar(d, "kind") == "ClusterRole" && Scalar((YamlMappingNode)d.Children[new YamlScalarNode("metadata")], "name") == role)
                .Children[new YamlScalarNode("rules")]).Cast<YamlMappingNode>()
            .SelectMany(r => Strings(r, "apiGroups").SelectMany(g => Strings(r, "resources").Select(res =>
                (Group: g, Resource: res, Verbs: Strings(r, "verbs"), Names: r.Children.ContainsKey(new YamlScalarNode("resourceNames")) ? Strings(r, "resourceNames") : []))))
            .ToList();
        var cluster = Rules("mechanicbuddy-mgmt");
        var tenant = Rules("mechanicbuddy-tenant");
        static bool Allows(List<(string Group, string Resource, List<string> Verbs, List<string> Names)> rules, string group, string resource, string verb, string? name = null) =>
            rules.Any(r => r.Group == group && (r.Resource == resource || r.Resource == "*") && (r.Verbs.Contains(verb) || r.Verbs.Contains("*"))
                && (r.Names.Count == 0 || (name is not null && r.Names.Contains(name))));

        (string Group, string Resource, string Verb)[] clusterCalls =
        [
            ("", "namespaces", "get"), ("", "namespaces", "create"), ("", "namespaces", "patch"), ("", "namespaces", "delete"),
            ("", "namespaces", "list"), ("", "namespaces", "watch"),
            ("", "resourcequotas", "create"), ("", "resourcequotas", "update"), ("", "resourcequotas", "get"), ("", "limitranges", "create"), ("", "limitranges", "update"),
            ("networking.k8s.io", "networkpolicies", "create"), ("networking.k8s.io", "networkpolicies", "update"),
            ("rbac.authorization.k8s.io", "rolebindings", "create"), ("rbac.authorization.k8s.io", "rolebindings", "update"),
        ];
        (string Group, string Resource, string Verb)[] tenantCalls =
        [
            ("postgresql.cnpg.io", "clusters", "list"), ("postgresql.cnpg.io", "clusters", "watch"),
            ("apps", "deployments", "list"), ("apps", "deployments", "watch"), ("apps", "deployments", "patch"),
            ("networking.k8s.io", "ingresses", "get"), ("cert-manager.io", "certificates", "get"), ("", "secrets", "get"),
            // helm: release storage, the chart's objects, and what --wait reads.
            ("", "secrets", "create"), ("", "secrets", "list"), ("", "secrets", "delete"), ("", "services", "create"), ("", "services", "get"),
            ("apps", "deployments", "create"), ("networking.k8s.io", "ingresses", "create"), ("postgresql.cnpg.io", "scheduledbackups", "create"),
            ("barmancloud.cnpg.io", "objectstores", "create"), ("apps", "replicasets", "list"), ("", "pods", "list"), ("", "persistentvolumeclaims", "get"),
        ];
        Assert.DoesNotContain(clusterCalls, c => !Allows(cluster, c.Group, c.Resource, c.Verb));
        Assert.DoesNotContain(tenantCalls, c => !Allows(tenant, c.Group, c.Resource, c.Verb));
        Assert.True(Allows(cluster, "rbac.authorization.k8s.io", "clusterroles", "bind", "mechanicbuddy-tenant"));
        Assert.False(Allows(cluster, "rbac.authorization.k8s.io", "clusterroles", "bind", "cluster-admin"));
        Assert.False(Allows(cluster, "", "secrets", "get"));
        Assert.False(Allows(cluster, "", "nodes", "get"));
        Assert.False(Allows(cluster, "rbac.authorization.k8s.io", "clusterroles", "create"));
        // The binding the provisioner makes names the role and the account of these manifests.
        var options = new MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes.KubernetesOptions();
        Assert.Equal("mechanicbuddy-tenant", options.TenantClusterRole);
        var account = documents.Single(d => Scalar(d, "kind") == "ServiceAccount").Children[new YamlScalarNode("metadata")];
        Assert.Equal(options.ControlPlaneServiceAccount, Scalar((YamlMappingNode)account, "name"));
        Assert.Equal(options.ControlPlaneNamespace, Scalar((YamlMappingNode)account, "namespace"));
        // And the admission policy that keeps it to labelled namespaces names that account.
        var admission = File.ReadAllText(Path.Combine(Root, "k8s", "platform", "15-admission.yaml"));
        Assert.Contains($"system:serviceaccount:{options.ControlPlaneNamespace}:{options.ControlPlaneServiceAccount}", admission, StringComparison.Ordinal);
    }

    static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    static List<string> Strings(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Cast<YamlScalarNode>().Select(s => s.Value!).ToList();

    [Fact]
    public void Docker_compose_runs_the_four_services_with_rabbitmq_postgres_and_nginx_proxy_manager()
    {
        var compose = (YamlMappingNode)Load(Path.Combine(Root, "docker-compose.yml"))[0].RootNode;
        var services = (YamlMappingNode)compose.Children[new YamlScalarNode("services")];
        var names = services.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ToHashSet();

        Assert.Superset(new HashSet<string?> { "gateway", "tenant-registry", "shared-tier-provisioner", "dedicated-provisioner", "rabbitmq", "postgres", "nginx-proxy-manager" }, names);
        var rabbit = ((YamlScalarNode)((YamlMappingNode)services.Children[new YamlScalarNode("rabbitmq")]).Children[new YamlScalarNode("image")]).Value!;
        Assert.EndsWith("-management", rabbit, StringComparison.Ordinal);
        foreach (var project in new[] { "Gateway", "TenantRegistry", "SharedTierProvisioner", "DedicatedProvisioner" })
        {
            Assert.True(File.Exists(Path.Combine(Root, "services", project, $"MechanicBuddy.{project}.csproj")), project);
        }
        // A service that exits because its bus never reconnected (BusWatchdog) must come back.
        foreach (var service in new[] { "gateway", "tenant-registry", "shared-tier-provisioner", "dedicated-provisioner" })
        {
            var definition = (YamlMappingNode)services.Children[new YamlScalarNode(service)];
            Assert.Equal("unless-stopped", ((YamlScalarNode)definition.Children[new YamlScalarNode("restart")]).Value);
        }
    }

    /// <summary>
    /// What a service needs to start and find the others (keys, service URLs, its inbox), as scripts/services.sh gives
    /// them on a single host, docker-compose gives too; and every directory compose mounts a volume on is one the
    /// Dockerfile makes for the image's non-root user (a named volume copies that ownership; a missing one is root's).
    /// </summary>
    [Fact]
    public void Docker_compose_gives_every_key_and_address_a_service_starts_with_on_volumes_its_user_can_write()
    {
        var exported = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(Root, "scripts", "services.sh")), @"\b([A-Z][A-Za-z]+(?:__[A-Za-z]+)+)=")
            .Select(m => m.Groups[1].Value)
            .Where(k => k.EndsWith("__ApiKey", StringComparison.Ordinal) || k.EndsWith("__BaseUrl", StringComparison.Ordinal)
                || k is "Auth__SigningKey" or "Inbox__Directory" or "Secrets__Directory")
            .ToHashSet();
        var compose = (YamlMappingNode)Load(Path.Combine(Root, "docker-compose.yml"))[0].RootNode;
        var shared = ((YamlMappingNode)compose.Children[new YamlScalarNode("x-service-env")]).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToHashSet();

        Assert.True(exported.Count >= 10, string.Join(", ", exported));
        Assert.Empty(exported.Except(shared));

        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var services = (YamlMappingNode)compose.Children[new YamlScalarNode("services")];
        var mounts = services.Children
            .Where(s => ((YamlScalarNode)s.Key).Value is "gateway" or "tenant-registry" or "shared-tier-provisioner" or "dedicated-provisioner")
            .Select(s => (YamlMappingNode)s.Value)
            .Where(s => s.Children.ContainsKey(new YamlScalarNode("volumes")))
            .SelectMany(s => ((YamlSequenceNode)s.Children[new YamlScalarNode("volumes")]).Cast<YamlScalarNode>().Select(v => v.Value!.Split(':')[1]))
            .ToList();
        Assert.NotEmpty(mounts);
        Assert.All(mounts, path => Assert.Contains(path, dockerfile, StringComparison.Ordinal));
        Assert.Contains("chown -R app:app /var/lib/mechanicbuddy", dockerfile, StringComparison.Ordinal);
    }
}
