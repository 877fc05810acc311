using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// The objects the driver writes against the published schemas (Schemas/), and the fake API answering a field or a
/// value the schema refuses as kube-apiserver does.
/// </summary>
public sealed class KubernetesSchemaTests : IAsyncLifetime
{
    FakeKubernetesApi _api = null!;
    readonly HttpClient _http = new();
    const string Ns = "tenant-schema-check";

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _api.Put("namespaces", null, Namespace(Ns, "schema-check"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    static JsonObject Json(object value) => JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();

    Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject body, string contentType = "application/json") =>
        _http.SendAsync(new HttpRequestMessage(method, new Uri(_api.Url, path)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType) });

    static async Task<string> MessageAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>();

    [Theory]
    [InlineData("professional")]
    [InlineData("enterprise")]
    public void Every_object_the_driver_writes_matches_its_published_schema(string tier)
    {
        var namespaces = new TenantNamespaces(null!, Options.Create(new KubernetesOptions()), TimeProvider.System);
        var objects = new (string Resource, object Body)[]
        {
            ("resourcequotas", TenantNamespaces.Quota(new ProvisioningOptions().TierResourceLimits[tier]) with { ApiVersion = "v1", Kind = "ResourceQuota" }),
            ("limitranges", TenantNamespaces.LimitRange()),
            ("networkpolicies", namespaces.NetworkPolicy()),
            ("rolebindings", namespaces.RoleBinding()),
        };

        foreach (var (resource, body) in objects)
        {
            var findings = KubernetesSchemas.Validate(resource, Json(body));
            Assert.True(findings.Clean, $"{resource}: {string.Join("; ", findings.UnknownFields.Concat(findings.Invalid))}");
        }
    }

    [Fact]
    public async Task An_unknown_field_is_refused_under_strict_validation_and_dropped_with_a_warning_by_default()
    {
        var quota = Json(TenantNamespaces.Quota(new ProvisioningOptions().TierResourceLimits["professional"]));
        quota["spec"]!["hardLimits"] = new JsonObject { ["pods"] = "3" };

        var strict = await SendAsync(HttpMethod.Post, $"api/v1/namespaces/{Ns}/resourcequotas?fieldValidation=Strict", quota);
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Equal("strict decoding error: unknown field \"spec.hardLimits\"", await MessageAsync(strict));
        Assert.Null(_api.Get("resourcequotas", Ns, TenantNamespaces.QuotaName));

        var lenient = await SendAsync(HttpMethod.Post, $"api/v1/namespaces/{Ns}/resourcequotas", quota);
        Assert.Equal(HttpStatusCode.Created, lenient.StatusCode);
        Assert.Equal("299 - \"unknown field \\\"spec.hardLimits\\\"\"", Assert.Single(lenient.Headers.GetValues("Warning")));
        Assert.Null(_api.Get("resourcequotas", Ns, TenantNamespaces.QuotaName)!["spec"]!["hardLimits"]);
    }

    [Fact]
    public async Task A_wrong_type_fails_decoding_of_a_built_in_kind_with_400()
    {
        var policy = Json(new TenantNamespaces(null!, Options.Create(new KubernetesOptions()), TimeProvider.System).NetworkPolicy());
        policy["spec"]!["policyTypes"] = "Ingress";

        var refused = await SendAsync(HttpMethod.Post, $"apis/networking.k8s.io/v1/namespaces/{Ns}/networkpolicies?fieldValidation=Strict", policy);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: json: cannot unmarshal spec.policyTypes", await MessageAsync(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_field_is_422_invalid_naming_it()
    {
        var binding = Json(new TenantNamespaces(null!, Options.Create(new KubernetesOptions()), TimeProvider.System).RoleBinding());
        binding.Remove("roleRef");
        binding["subjects"]![0]!.AsObject().Remove("kind");

        var refused = await SendAsync(HttpMethod.Post, $"apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/rolebindings?fieldValidation=Strict", binding);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("RoleBinding.rbac.authorization.k8s.io \"mechanicbuddy-mgmt\" is invalid: [subjects[0].kind: Required value, roleRef: Required value]", await MessageAsync(refused));
    }

    [Theory]
    [InlineData("\"three\"", "spec.instances: Invalid value: \"three\": spec.instances in body must be of type integer")]
    [InlineData("0", "spec.instances: Invalid value: 0: spec.instances in body should be greater than or equal to 1")]
    public async Task A_cloudnativepg_cluster_patched_against_its_crd_is_422_and_keeps_its_old_spec(string instances, string cause)
    {
        _api.Put("clusters", Ns, Cluster(1, 1, true));

        var refused = await SendAsync(HttpMethod.Patch, $"apis/postgresql.cnpg.io/v1/namespaces/{Ns}/clusters/postgres",
            JsonNode.Parse("{\"spec\":{\"instances\":" + instances + "}}")!.AsObject(), "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal($"Cluster.postgresql.cnpg.io \"postgres\" is invalid: {cause}", await MessageAsync(refused));
        Assert.Equal(1, _api.Get("clusters", Ns, "postgres")!["spec"]!["instances"]!.GetValue<int>());
    }

    [Fact]
    public void A_fixture_the_real_server_could_not_hold_is_refused_before_any_test_reads_it()
    {
        var certificate = Certificate(ready: true, "Certificate is up to date and has not expired");
        certificate["spec"]!.AsObject().Remove("issuerRef");

        var refused = Assert.Throws<InvalidOperationException>(() => _api.Put("certificates", Ns, certificate));
        Assert.Contains("spec.issuerRef: Required value", refused.Message, StringComparison.Ordinal);
    }
}
