using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Extensions;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>The Kubernetes platform against a fake API server and a fake helm: the exact requests, and every error branch of the seed.</summary>
public sealed partial class KubernetesPlatformTests : IAsyncLifetime
{
    FakeKubernetesApi _api = null!;
    readonly FakeHelm _helm = new();
    ServiceProvider? _services;

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync();

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        await _api.DisposeAsync();
        _helm.Dispose();
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MechanicBuddy.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    IDedicatedPlatform Platform(int readyTimeoutSeconds = 5, IReadOnlyDictionary<string, string?>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(more ?? new Dictionary<string, string?>()).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Provisioning:BaseDomain"] = "mechanicbuddy.app",
            ["Dedicated:Platform"] = "kubernetes",
            ["Kubernetes:Host"] = _api.Url.ToString().TrimEnd('/'),
            ["Kubernetes:HelmPath"] = _helm.Executable,
            ["Kubernetes:ChartPath"] = Path.Combine(RepositoryRoot(), "k8s", "charts", "mechanicbuddy-tenant"),
            ["Kubernetes:ReadyTimeoutSeconds"] = readyTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kubernetes:NamespaceDeleteTimeoutSeconds"] = "2",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section));
        services.AddDedicatedProvisioning(configuration);
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IDedicatedPlatform>();
    }

    DedicatedTenantPlan Plan(string tier = "professional", string? customDomain = "shop.acmeauto.com")
    {
        var id = TenantIds.Generate("Acme Auto Repair");
        var command = new BuildTenantSide
        {
            Side = TenantSideRoles.Current, DeploymentMode = "dedicated", CorrelationId = TenantNames.CorrelationIdFor(id), TenantId = id, CompanyName = "Acme Auto Repair", SubscriptionTier = tier,
            OwnerEmail = "owner@acmeauto.com", CustomDomain = customDomain, AdminPasswordHash = "PBKDF2$SHA256$10000$c2FsdA==$aGFzaA==",
        };
        return DedicatedTenantPlan.For(command, _services!.GetRequiredService<IOptions<ProvisioningOptions>>().Value);
    }

    /// <summary>What the chart's templates would have made once the release is installed.</summary>
    void ReleaseObjects(DedicatedTenantPlan plan, bool clusterReady = true, int apiReady = 2, int webReady = 2, bool certificateReady = true) =>
        KubernetesObjects.ReleaseObjects(_api, plan, clusterReady, apiReady, webReady, certificateReady);

    static async Task<(DedicatedProvisioningOutcome Outcome, List<ProvisioningProgress> Progress)> RunAsync(IDedicatedPlatform platform, DedicatedTenantPlan plan)
    {
        var progress = new List<ProvisioningProgress>();
        var outcome = await platform.ProvisionAsync(plan, p =>
        {
            lock (progress)
            {
                progress.Add(p);
            }
            return Task.CompletedTask;
        }, CancellationToken.None);
        return (outcome, progress);
    }

    static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    static string At(YamlMappingNode root, string path)
    {
        YamlNode node = root;
        foreach (var key in path.Split('.'))
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }
        return ((YamlScalarNode)node).Value!;
    }

    [Fact]
    public async Task A_professional_tenant_is_built_in_the_seeds_order_with_the_tiers_figures()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan, clusterReady: false);
        // The database becomes ready while we watch.
        _api.ScriptWatch("clusters", ns, "postgres", new WatchStep.Event("MODIFIED", Cluster(1, 1, true)));

        var (outcome, progress) = await RunAsync(platform, plan);

        var done = Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        Assert.Equal($"tenant-{plan.Names.TenantId}", done.HelmRelease);
        Assert.Empty(done.Warnings);
        Assert.Equal(["CreateNamespace", "BuildHelmValues", "DeployHelmChart", "WaitForPostgres", "WaitForApi", "WaitForWeb", "ConfigureIngress"],
            progress.Select(p => p.Step));
        Assert.All(progress, p => Assert.Equal(ProvisioningProgress.Completed, p.Outcome));
        Assert.Contains("shop.acmeauto.com", progress[^1].Message, StringComparison.Ordinal);
        Assert.Contains("certificate issued", progress[^1].Message, StringComparison.Ordinal);

        // The exact API calls, in order.
        // The quota is read back until the quota controller has put it in force (how often depends on timing).
        var quotaReads = _api.Requests.Count(r => r == $"GET /api/v1/namespaces/{ns}/resourcequotas/tenant-quota");
        Assert.True(quotaReads >= 1, "the quota's status was never read");
        var requests = _api.Requests.Where(r => r != $"GET /api/v1/namespaces/{ns}/resourcequotas/tenant-quota").ToList();
        var expected = new[]
        {
            $"GET /api/v1/namespaces/{ns}",
            "POST /api/v1/namespaces?fieldValidation=Strict",
            $"POST /apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings?fieldValidation=Strict",
            $"POST /api/v1/namespaces/{ns}/resourcequotas?fieldValidation=Strict",
            $"POST /api/v1/namespaces/{ns}/limitranges?fieldValidation=Strict",
            $"POST /apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies?fieldValidation=Strict",
            $"GET /apis/postgresql.cnpg.io/v1/namespaces/{ns}/clusters?fieldSelector=metadata.name%3Dpostgres&watch=false",
        };
        Assert.True(expected.SequenceEqual(requests.Take(expected.Length)), string.Join("\n", requests));
        Assert.Matches($@"^GET /apis/postgresql\.cnpg\.io/v1/namespaces/{ns}/clusters\?.*watch=true", requests[expected.Length]);
        Assert.Contains("resourceVersion=", requests[expected.Length], StringComparison.Ordinal);
        Assert.Contains($"GET /apis/apps/v1/namespaces/{ns}/deployments?fieldSelector=metadata.name%3Dapi&watch=false", requests);
        Assert.Contains($"GET /apis/apps/v1/namespaces/{ns}/deployments?fieldSelector=metadata.name%3Dweb&watch=false", requests);
        Assert.Equal($"GET /apis/networking.k8s.io/v1/namespaces/{ns}/ingresses/tenant", requests[^4]);
        Assert.Equal($"GET /apis/cert-manager.io/v1/namespaces/{ns}/certificates/tenant-tls", requests[^3]);
        // Then the schema version the release's API migrated to, through the cluster's owner login (no secret here: not read).
        Assert.Equal([$"GET /api/v1/namespaces/{ns}", $"GET /api/v1/namespaces/{ns}/secrets/{HelmValues.PostgresAppSecret}"], requests[^2..]);
        Assert.Null(done.SchemaVersion);

        // Namespace labels, quota from the tier, default-deny network policy.
        var bodies = _api.Bodies.ToList();
        var labels = bodies.Single(b => b.Request == "POST /api/v1/namespaces?fieldValidation=Strict").Body["metadata"]!["labels"]!;
        Assert.Equal(("professional", "mechanicbuddy", plan.Names.TenantId),
            (labels["tier"]!.GetValue<string>(), labels["managed-by"]!.GetValue<string>(), labels["mechanicbuddy.app/tenant-id"]!.GetValue<string>()));
        var hard = bodies.Single(b => b.Request.EndsWith("/resourcequotas?fieldValidation=Strict", StringComparison.Ordinal)).Body["spec"]!["hard"]!;
        // 1×2Gi + 2×1Gi + 2×512Mi = 5Gi at rest, + 1Gi and 512Mi surge pods, 64Mi solver, 128Mi backup sidecar = 6848Mi
        // requested, twice that as the limit; 50Gi × 1.25 of storage.
        Assert.Equal(("6848Mi", "13696Mi", "64000Mi"),
            (hard["requests.memory"]!.GetValue<string>(), hard["limits.memory"]!.GetValue<string>(), hard["requests.storage"]!.GetValue<string>()));
        var policy = bodies.Single(b => b.Request.EndsWith("/networkpolicies?fieldValidation=Strict", StringComparison.Ordinal)).Body["spec"]!;
        Assert.Equal("Ingress", policy["policyTypes"]![0]!.GetValue<string>());
        var policyJson = policy.ToJsonString();
        Assert.Contains("\"kubernetes.io/metadata.name\":\"ingress-nginx\"", policyJson, StringComparison.Ordinal);
        Assert.Contains("\"kubernetes.io/metadata.name\":\"cnpg-system\"", policyJson, StringComparison.Ordinal);
        Assert.Contains("\"app.kubernetes.io/name\":\"cloudnative-pg\"", policyJson, StringComparison.Ordinal);
        // The control plane (a tier change's data move) reaches PostgreSQL, and only that port.
        var fromControlPlane = policy["ingress"]!.AsArray().Single(r => r!["from"]![0]!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"]?.GetValue<string>() == "mechanicbuddy-system")!;
        Assert.Equal([5432], fromControlPlane["ports"]!.AsArray().Select(p => p!["port"]!.GetValue<int>()));
        // The control plane's rights in this namespace: the tenant role, bound here only.
        var binding = bodies.Single(b => b.Request.EndsWith("/rolebindings?fieldValidation=Strict", StringComparison.Ordinal)).Body;
        Assert.Equal(("ClusterRole", "mechanicbuddy-tenant"), (binding["roleRef"]!["kind"]!.GetValue<string>(), binding["roleRef"]!["name"]!.GetValue<string>()));
        Assert.Equal(("ServiceAccount", "mechanicbuddy-mgmt", "mechanicbuddy-system"),
            (binding["subjects"]![0]!["kind"]!.GetValue<string>(), binding["subjects"]![0]!["name"]!.GetValue<string>(), binding["subjects"]![0]!["namespace"]!.GetValue<string>()));

        // helm: status (pending check), then upgrade --install with a values file carrying the tier.
        Assert.Equal($"status {ns} -n {ns} -o json --kube-apiserver {_api.Url.ToString().TrimEnd('/')}", _helm.Calls[0]);
        Assert.StartsWith($"upgrade --install {ns} {Path.Combine(RepositoryRoot(), "k8s", "charts", "mechanicbuddy-tenant")} -n {ns} -f ", _helm.Calls[1], StringComparison.Ordinal);
        Assert.Contains("--timeout 5m", _helm.Calls[1], StringComparison.Ordinal);
        Assert.DoesNotContain("--atomic", _helm.Calls[1], StringComparison.Ordinal);
        var values = Yaml(_helm.LastValues!);
        Assert.Equal("1", At(values, "postgresql.instances"));
        Assert.Equal("50Gi", At(values, "postgresql.storage.size"));
        Assert.Equal("2Gi", At(values, "postgresql.resources.limits.memory"));
        Assert.Equal("2", At(values, "api.replicas"));
        Assert.Equal("1Gi", At(values, "api.resources.limits.memory"));
        Assert.Equal("512Mi", At(values, "web.resources.limits.memory"));
        Assert.Equal("20", At(values, "billing.mechanicLimit"));
        Assert.Equal($"{plan.Names.TenantId}.mechanicbuddy.app", At(values, "domains.default"));
        Assert.Equal("shop.acmeauto.com", At(values, "domains.custom"));
        Assert.Equal(plan.Names.TenantId, At(values, "tenant.id"));
        Assert.DoesNotContain(_helm.LastValues!, Directory.GetFiles(Path.GetTempPath(), "mechanicbuddy-*.yaml").Select(File.ReadAllText));
    }

    /// <summary>
    /// A retry right after a removal: the old namespace is still Terminating. Read just before its deletion began, the
    /// create answers 409 "object is being deleted"; going on would meet 403 NamespaceTerminating on the first object.
    /// The driver waits for the namespace to go (its watch's DELETED event) and creates it again.
    /// </summary>
    [Fact]
    public async Task A_tenant_built_while_its_old_namespace_is_still_terminating_waits_for_it_instead_of_failing_403()
    {
        var platform = Platform();
        var plan = Plan(customDomain: null);
        var ns = plan.Names.DedicatedNamespace;
        _api.NamespaceTermination = TimeSpan.FromSeconds(1);
        _api.Put("namespaces", null, Namespace(ns, tenantLabel: plan.Names.TenantId));
        using (var http = new HttpClient { BaseAddress = _api.Url })
        {
            (await http.DeleteAsync($"/api/v1/namespaces/{ns}")).EnsureSuccessStatusCode();
        }
        _api.HideOnce("namespaces", null, ns);
        ReleaseObjects(plan);

        var (outcome, _) = await RunAsync(platform, plan);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        var requests = _api.Requests.ToList();
        Assert.Equal(2, requests.Count(r => r == "POST /api/v1/namespaces?fieldValidation=Strict"));
        Assert.Contains(requests, r => r.StartsWith("GET /api/v1/namespaces?", StringComparison.Ordinal) && r.Contains("watch=true", StringComparison.Ordinal));
        Assert.Null(_api.Get("namespaces", null, ns)!["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public async Task A_helm_failure_fails_with_helms_output_and_removes_the_namespace()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        _helm.FailUpgrade("Error: UPGRADE FAILED: exceeded quota: tenant-quota, requested: limits.memory=4Gi");

        var (outcome, progress) = await RunAsync(platform, plan);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Equal("DeployHelmChart", failed.Step);
        Assert.Contains("Error: UPGRADE FAILED: exceeded quota: tenant-quota", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.Compensated);
        Assert.Contains(progress, p => p.Step == "Compensate" && p.Outcome == ProvisioningProgress.Compensated);
        Assert.Contains(_api.Requests, r => r.StartsWith($"DELETE /api/v1/namespaces/{ns}", StringComparison.Ordinal) && r.Contains("propagationPolicy=Foreground", StringComparison.Ordinal));
        Assert.Null(_api.Get("namespaces", null, ns));
        Assert.Contains(_helm.Calls, c => c.StartsWith($"uninstall {ns} -n {ns}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pending-install", 1, "uninstall")]
    [InlineData("pending-upgrade", 4, "rollback")]
    [InlineData("pending-rollback", 5, "rollback")]
    public async Task A_release_left_pending_by_a_crash_is_recovered_before_installing(string status, int revision, string recovery)
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);
        _helm.SetStatus(status, revision);

        var (outcome, progress) = await RunAsync(platform, plan);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        var calls = _helm.Calls.Select(c => c.Split(' ')[0]).ToList();
        Assert.Equal(["status", recovery, "upgrade"], calls);
        Assert.StartsWith($"{recovery} {ns} -n {ns}", _helm.Calls[1], StringComparison.Ordinal);
        Assert.Contains($"was {status}", progress.Single(p => p.Step == "DeployHelmChart").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_of_the_same_name_that_is_not_this_tenants_is_refused_and_left_alone()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        _api.Put("namespaces", null, Namespace(ns, tenantLabel: null));

        var (outcome, _) = await RunAsync(platform, plan);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Equal("CreateNamespace", failed.Step);
        Assert.Contains("is not this tenant's", failed.Reason, StringComparison.Ordinal);
        Assert.NotNull(_api.Get("namespaces", null, ns));
        Assert.DoesNotContain(_api.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
        Assert.DoesNotContain(_helm.Calls, c => !c.StartsWith("status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Re_running_a_provisioning_converges_with_replace_instead_of_failing_on_conflicts()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>((await RunAsync(platform, plan)).Outcome);
        var second = (await RunAsync(platform, plan)).Outcome;
        Assert.True(second is DedicatedProvisioningOutcome.Succeeded, second.ToString());

        Assert.Contains($"PATCH /api/v1/namespaces/{ns}?fieldValidation=Strict", _api.Requests);
        Assert.Contains($"PUT /api/v1/namespaces/{ns}/resourcequotas/tenant-quota?fieldValidation=Strict", _api.Requests);
        Assert.Contains($"PUT /apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies/default-deny-ingress?fieldValidation=Strict", _api.Requests);
        Assert.Equal(2, _helm.Calls.Count(c => c.StartsWith("upgrade --install", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deprovisioning_uninstalls_the_release_and_waits_for_the_namespace_to_go()
    {
        var platform = Platform();
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);
        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>((await RunAsync(platform, plan)).Outcome);
        var progress = new List<ProvisioningProgress>();

        var removed = await platform.RemoveAsync(plan.Names.TenantId, keepRoute: false, p => { progress.Add(p); return Task.CompletedTask; }, CancellationToken.None);

        Assert.True(removed);
        Assert.StartsWith($"uninstall {ns} -n {ns} --wait", _helm.Calls[^1], StringComparison.Ordinal);
        Assert.Null(_api.Get("namespaces", null, ns));
        Assert.Equal(("Deprovision", ProvisioningProgress.Completed), (progress.Single().Step, progress.Single().Outcome));
        // Removing again is not an error.
        Assert.True(await platform.RemoveAsync(plan.Names.TenantId, keepRoute: false, _ => Task.CompletedTask, CancellationToken.None));
    }
}
