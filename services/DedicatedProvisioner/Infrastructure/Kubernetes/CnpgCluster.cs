using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>The parts of a CloudNativePG <c>Cluster</c> (postgresql.cnpg.io/v1) that readiness needs.</summary>
public sealed class CnpgCluster : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "postgresql.cnpg.io";
    public const string Version = "v1";
    public const string Plural = "clusters";

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = $"{Group}/{Version}";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Cluster";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public CnpgClusterSpec? Spec { get; set; }
    [JsonPropertyName("status")] public CnpgClusterStatus? Status { get; set; }

    /// <summary>CloudNativePG's own notion: every instance ready and condition Ready true.</summary>
    public bool IsReady => Spec is { Instances: > 0 } spec && Status is { } status && status.ReadyInstances == spec.Instances
        && status.Conditions.Any(c => c.Type == "Ready" && c.Status == "True");

    /// <summary>
    /// Ready with a given shape, after a change made at <paramref name="changedAt"/>: the spec has the instances and
    /// memory asked for (helm applied it), every instance is ready, and when the memory changed (CloudNativePG restarts
    /// each instance with it) Ready has become true again since the change. The Cluster has no observedGeneration, so
    /// without the last rule the Ready left over from before the change would pass at once.
    /// </summary>
    public bool IsReadyWith(int instances, string memory, bool restarts, DateTimeOffset changedAt) =>
        IsReady && Spec!.Instances == instances && Spec.Resources?.Limits?.TryGetValue("memory", out var limit) == true && limit.ToString() == memory
        && (!restarts || Status!.Conditions.Any(c => c.Type == "Ready" && c.LastTransitionTime is { } at && new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) >= changedAt.AddSeconds(-1)));

    /// <summary>Custom-object watches yield untyped JSON; this reads it as a Cluster.</summary>
    public static CnpgCluster From(object untyped) =>
        System.Text.Json.JsonSerializer.Deserialize<CnpgCluster>(untyped is System.Text.Json.JsonElement element ? element : System.Text.Json.JsonSerializer.SerializeToElement(untyped))
        ?? throw new InvalidOperationException("empty Cluster object in watch event");

    public string Describe() =>
        $"{Status?.ReadyInstances ?? 0}/{Spec?.Instances ?? 0} instances ready{(Status?.Phase is { Length: > 0 } phase ? $" ({phase})" : "")}";
}

public sealed class CnpgClusterSpec
{
    [JsonPropertyName("instances")] public int Instances { get; set; }
    [JsonPropertyName("resources")] public V1ResourceRequirements? Resources { get; set; }
    [JsonPropertyName("storage")] public CnpgStorage? Storage { get; set; }
}

public sealed class CnpgStorage
{
    [JsonPropertyName("size")] public string? Size { get; set; }
}

public sealed class CnpgClusterStatus
{
    [JsonPropertyName("readyInstances")] public int ReadyInstances { get; set; }
    [JsonPropertyName("phase")] public string? Phase { get; set; }
    [JsonPropertyName("conditions")] public List<V1Condition> Conditions { get; set; } = [];
}

public sealed class CnpgClusterList : IKubernetesObject<V1ListMeta>, IItems<CnpgCluster>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = $"{CnpgCluster.Group}/{CnpgCluster.Version}";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "ClusterList";
    [JsonPropertyName("metadata")] public V1ListMeta Metadata { get; set; } = new();
    [JsonPropertyName("items")] public IList<CnpgCluster> Items { get; set; } = [];
}
