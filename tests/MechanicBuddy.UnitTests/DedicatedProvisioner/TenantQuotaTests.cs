using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// The tenant namespace's ResourceQuota, made by the driver, against the pods and claims the chart and the operators
/// create in it at the busiest moments of its life, each admitted (or refused) by the fake API's LimitRanger and
/// ResourceQuota admission: a rolling update's surge pods (maxSurge as the chart sets it) while cert-manager's HTTP-01
/// solver runs, CloudNativePG's instances with their backup sidecars (no resources of their own: the LimitRange's
/// defaults) and a new replica's join job; and a resize's moment when the old tier's pods still run beside the new's.
/// </summary>
public sealed class TenantQuotaTests : IAsyncLifetime
{
    FakeKubernetesApi _api = null!;
    Kubernetes _client = null!;
    readonly HttpClient _http = new();
    static readonly ProvisioningOptions Provisioning = new();

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = _api.Url.ToString().TrimEnd('/') });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _api.DisposeAsync();
    }

    static KubernetesOptions Kube(bool backups) => new() { BackupDestinationPath = backups ? "s3://mechanicbuddy-backups" : null };

    /// <summary>The namespace as the driver makes it for <paramref name="quotaFor"/>.</summary>
    async Task<TenantNames> NamespaceAsync(TierResourceLimits quotaFor, string tier)
    {
        var names = new TenantNames(TenantIds.Generate("Quota Motors"));
        var namespaces = new TenantNamespaces(_client, Options.Create(new KubernetesOptions()), TimeProvider.System);
        await namespaces.EnsureAsync(names, tier, quotaFor, CancellationToken.None);
        return names;
    }

    static int Surge(string template) => int.Parse(File.ReadAllLines(Path.Combine(KubernetesPlatformTests.RepositoryRoot(), "k8s", "charts", "mechanicbuddy-tenant", "templates", template))
        .Single(l => l.Trim().StartsWith("maxSurge:", StringComparison.Ordinal)).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

    static JsonObject Pod(string name, params (string Name, string? Memory)[] containers) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["image"] = "registry.example/" + c.Name,
                // The chart's guaranteed memory: request equals limit. null: a container stating no resources.
                ["resources"] = c.Memory is null ? new JsonObject() : new JsonObject
                {
                    ["requests"] = new JsonObject { ["memory"] = c.Memory, ["cpu"] = "100m" },
                    ["limits"] = new JsonObject { ["memory"] = c.Memory },
                },
            }).ToArray()),
        },
    };

    static JsonObject Claim(string name, string size) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "PersistentVolumeClaim", ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["accessModes"] = new JsonArray("ReadWriteOnce"), ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = size } } },
    };

    /// <summary>The figures the chart is given for a tier (HelmValues.Shape: backups only with a destination configured).</summary>
    static (int Instances, string PgMemory, string Storage, bool Backups, int Api, string ApiMemory, int Web, string WebMemory) Values(string tier, TierResourceLimits limits, bool backups)
    {
        var values = HelmValues.Shape("t", tier, limits, Kube(backups));
        static Dictionary<string, object> At(Dictionary<string, object> d, string key) => (Dictionary<string, object>)d[key];
        static string Memory(Dictionary<string, object> component) => (string)At(At(component, "resources"), "requests")["memory"];
        var (pg, api, web) = (At(values, "postgresql"), At(values, "api"), At(values, "web"));
        return ((int)pg["instances"], Memory(pg), (string)At(pg, "storage")["size"], (bool)At(pg, "backup")["enabled"],
            (int)api["replicas"], Memory(api), (int)web["replicas"], Memory(web));
    }

    /// <summary>PostgreSQL instances (with the backup plugin's sidecar when backups are on) and their volumes.</summary>
    static IEnumerable<(string, JsonObject)> Instances(int from, int count, string memory, string storage, bool backups) =>
        Enumerable.Range(from, count).SelectMany(i => new[]
        {
            ("pods", backups ? Pod($"postgres-{i}", ("postgres", memory), ("plugin-barman-cloud", null)) : Pod($"postgres-{i}", ("postgres", memory))),
            ("persistentvolumeclaims", Claim($"postgres-{i}", storage)),
        });

    static IEnumerable<(string, JsonObject)> Replicas(string deployment, string hash, int count, string memory) =>
        Enumerable.Range(0, count).Select(i => ("pods", Pod($"{deployment}-{hash}-{i}", (deployment, memory))));

    static (string, JsonObject) Solver() => ("pods", Pod("cm-acme-http-solver-x7k2p", ("acmesolver", "64Mi")));

    /// <summary>A tier at its busiest: every replica plus the surge pods of an update, the solver, and (with replicas) a join job.</summary>
    static List<(string, JsonObject)> BusiestMoment(string tier, bool backups)
    {
        var v = Values(tier, Provisioning.TierResourceLimits[tier], backups);
        var objects = new List<(string, JsonObject)>();
        objects.AddRange(Instances(1, v.Instances, v.PgMemory, v.Storage, v.Backups));
        objects.AddRange(Replicas("api", "old", v.Api, v.ApiMemory));
        objects.AddRange(Replicas("api", "new", Surge("api-deployment.yaml"), v.ApiMemory));
        objects.AddRange(Replicas("web", "old", v.Web, v.WebMemory));
        objects.AddRange(Replicas("web", "new", Surge("web-deployment.yaml"), v.WebMemory));
        objects.Add(Solver());
        if (v.Instances > 1)
        {
            objects.Add(("pods", Pod($"postgres-{v.Instances + 1}-join-q8v2x", ("join", v.PgMemory))));
        }
        return objects;
    }

    async Task<HttpResponseMessage> CreateAsync(string ns, string resource, JsonObject body) =>
        await _http.PostAsJsonAsync(new Uri(_api.Url, $"api/v1/namespaces/{ns}/{resource}"), body);

    async Task AllAdmittedAsync(string ns, IEnumerable<(string Resource, JsonObject Body)> objects)
    {
        foreach (var (resource, body) in objects)
        {
            var response = await CreateAsync(ns, resource, body);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{body["metadata"]!["name"]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("professional", true)]
    [InlineData("professional", false)]
    [InlineData("enterprise", true)]
    [InlineData("enterprise", false)]
    public async Task Everything_the_chart_and_the_operators_run_at_the_busiest_moment_is_admitted(string tier, bool backups)
    {
        var names = await NamespaceAsync(Provisioning.TierResourceLimits[tier], tier);

        await AllAdmittedAsync(names.DedicatedNamespace, BusiestMoment(tier, backups));
    }

    [Fact]
    public async Task A_quota_the_controller_has_not_put_in_force_refuses_every_pod_and_the_driver_waits_for_it()
    {
        _api.QuotaSync = TimeSpan.FromSeconds(1);
        _api.Put("namespaces", null, KubernetesObjects.Namespace("tenant-fresh", "fresh"));
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsJsonAsync(new Uri(_api.Url, "api/v1/namespaces/tenant-fresh/resourcequotas"),
            JsonNode.Parse(KubernetesJson.Serialize(TenantNamespaces.Quota(Provisioning.TierResourceLimits["professional"]))))).StatusCode);

        var early = await CreateAsync("tenant-fresh", "pods", Pod("api-early", ("api", "1Gi")));
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        Assert.StartsWith("pods \"api-early\" is forbidden: status unknown for quota: tenant-quota, resources: ", (await early.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The driver returns only once the quota is in force, so the chart's pods that follow are admitted.
        var names = await NamespaceAsync(Provisioning.TierResourceLimits["professional"], "professional");
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(names.DedicatedNamespace, "pods", Pod("api-0", ("api", "1Gi")))).StatusCode);
    }

    [Fact]
    public async Task One_pod_more_is_refused_with_kube_apiservers_own_message()
    {
        var names = await NamespaceAsync(Provisioning.TierResourceLimits["professional"], "professional");
        await AllAdmittedAsync(names.DedicatedNamespace, BusiestMoment("professional", backups: true));

        var refused = await CreateAsync(names.DedicatedNamespace, "pods", Pod("api-extra", ("api", "1Gi")));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var status = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("Forbidden", 403), (status["reason"]!.GetValue<string>(), status["code"]!.GetValue<int>()));
        // 3×1Gi api + 3×512Mi web + 2Gi postgres + 128Mi defaulted sidecar + 64Mi solver: the quota is full to the mebibyte.
        Assert.Equal("pods \"api-extra\" is forbidden: exceeded quota: tenant-quota, requested: requests.memory=1Gi, used: requests.memory=6848Mi, limited: requests.memory=6848Mi",
            status["message"]!.GetValue<string>());
    }

    static DedicatedResizePlan Resize(string from, string to) => DedicatedResizePlan.For(new ResizeDedicatedTenant
    {
        CorrelationId = Guid.NewGuid(), TenantId = "t", TierChange = 1, OldTier = from, NewTier = to,
    }, Provisioning);

    /// <summary>A resize's busiest moment: the old tier's pods still run while the new tier's first pods start and new instances join.</summary>
    static List<(string, JsonObject)> ResizeMoment(DedicatedResizePlan plan)
    {
        var old = Values(plan.Command.OldTier, plan.From, backups: true);
        var next = Values(plan.Command.NewTier, plan.To, backups: true);
        var moment = new List<(string, JsonObject)>();
        // CloudNativePG restarts each existing instance with the new memory, one at a time: either figure may be running.
        moment.AddRange(Instances(1, old.Instances, plan.Transition.PostgresMemory, old.Storage, old.Backups));
        moment.AddRange(Replicas("api", "old", old.Api, old.ApiMemory));
        moment.AddRange(Replicas("api", "new", Surge("api-deployment.yaml"), next.ApiMemory));
        moment.AddRange(Replicas("web", "old", old.Web, old.WebMemory));
        moment.AddRange(Replicas("web", "new", Surge("web-deployment.yaml"), next.WebMemory));
        if (next.Instances > old.Instances)
        {
            moment.AddRange(Instances(old.Instances + 1, next.Instances - old.Instances, next.PgMemory, next.Storage, next.Backups));
            moment.Add(("pods", Pod("postgres-join-q8v2x", ("join", next.PgMemory))));
        }
        moment.Add(Solver());
        return moment;
    }

    [Theory]
    [InlineData("professional", "enterprise")]
    [InlineData("enterprise", "professional")]
    public async Task A_resizes_quota_holds_the_old_tiers_pods_beside_the_new_tiers(string from, string to)
    {
        var plan = Resize(from, to);
        var during = await NamespaceAsync(plan.Transition, to);

        await AllAdmittedAsync(during.DedicatedNamespace, ResizeMoment(plan));
    }

    [Fact]
    public async Task A_downgrade_under_the_smaller_tiers_quota_alone_would_stall_on_exceeded_quota()
    {
        var plan = Resize("enterprise", "professional");
        var newTierOnly = await NamespaceAsync(plan.To, "professional");

        var refusals = new List<string>();
        foreach (var (resource, body) in ResizeMoment(plan))
        {
            if (await CreateAsync(newTierOnly.DedicatedNamespace, resource, body) is { StatusCode: HttpStatusCode.Forbidden } refused)
            {
                refusals.Add((await refused.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>());
            }
        }

        Assert.Contains(refusals, m => m.Contains("exceeded quota: tenant-quota", StringComparison.Ordinal) && m.Contains("requests.memory", StringComparison.Ordinal));
    }
}
