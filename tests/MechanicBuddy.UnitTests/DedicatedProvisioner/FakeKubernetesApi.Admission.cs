using System.Globalization;
using System.Text.Json.Nodes;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// The two admission plugins a tenant namespace's guard rails depend on, as the API server runs them on a new pod or
/// PersistentVolumeClaim: LimitRanger first (a container without a memory or cpu request or limit gets the LimitRange's
/// default; a limit without a request is the request, as the API's own defaulting does), then ResourceQuota (the new
/// object's usage plus what the namespace's live objects use must stay within every quota's hard figures, else 403
/// with kube-apiserver's own message: "exceeded quota: NAME, requested: …, used: …, limited: …"). A pod's usage is the
/// larger of its containers' sum and its largest init container, as Kubernetes counts it; finished pods count nothing.
/// Admission reads a quota's status.hard, which the quota controller sets from spec.hard <see cref="QuotaSync"/> after
/// each write (until then a new quota refuses every pod with "status unknown for quota").
/// </summary>
public sealed partial class FakeKubernetesApi
{
    static readonly string[] ComputeResources = ["memory", "cpu"];

    /// <summary>How long the quota controller takes to put a written quota in force.</summary>
    public TimeSpan QuotaSync { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The quota controller: status.hard takes spec.hard a moment after the write.</summary>
    void SyncQuotaLater(string key) =>
        _ = Task.Delay(QuotaSync).ContinueWith(_ =>
        {
            if (_objects.TryGetValue(key, out var quota) && quota["spec"]?["hard"] is JsonObject hard)
            {
                quota["status"] = new JsonObject { ["hard"] = hard.DeepClone() };
            }
        }, TaskScheduler.Default);

    /// <summary>The refusal ResourceQuota would give this new object, or null when it is admitted.</summary>
    string? Admit(string resource, string ns, JsonObject body)
    {
        if (resource is not ("pods" or "persistentvolumeclaims"))
        {
            return null;
        }
        if (resource == "pods")
        {
            ApplyLimitRanges(ns, body);
        }
        var name = body["metadata"]!["name"]!.GetValue<string>();
        var requested = Usage(resource, body);
        var used = new Dictionary<string, decimal>();
        foreach (var (key, live) in _objects)
        {
            var parts = key.Split('|');
            if (parts[1] == ns && parts[0] is "pods" or "persistentvolumeclaims" && live["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed"))
            {
                foreach (var (r, amount) in Usage(parts[0], live))
                {
                    used[r] = used.GetValueOrDefault(r) + amount;
                }
            }
        }
        foreach (var quota in _objects.Where(o => o.Key.StartsWith($"resourcequotas|{ns}|", StringComparison.Ordinal)).Select(o => o.Value).OrderBy(q => q["metadata"]!["name"]!.GetValue<string>()))
        {
            var quotaName = quota["metadata"]!["name"]!.GetValue<string>();
            // Admission reads the figures the quota controller has put in force (status), not the ones just written (spec).
            if (quota["status"]?["hard"] is not JsonObject inForce)
            {
                return $"{resource} \"{name}\" is forbidden: status unknown for quota: {quotaName}, resources: {string.Join(",", (quota["spec"]?["hard"] as JsonObject ?? []).Select(h => h.Key).Order())}";
            }
            var hard = inForce.ToDictionary(h => h.Key, h => Quantity(h.Value!.GetValue<string>()));
            var missing = hard.Keys.Where(r => r.Contains('.') && resource == "pods" && ComputeResources.Any(c => r.EndsWith("." + c, StringComparison.Ordinal))
                && !AllContainersSpecify(body, r)).Order().ToList();
            if (missing.Count > 0)
            {
                return $"{resource} \"{name}\" is forbidden: failed quota: {quotaName}: must specify {string.Join(",", missing)}";
            }
            var exceeded = hard.Keys.Where(r => requested.GetValueOrDefault(r) > 0 && used.GetValueOrDefault(r) + requested[r] > hard[r]).Order().ToList();
            if (exceeded.Count > 0)
            {
                string List(Func<string, decimal> amount) => string.Join(",", exceeded.Select(r => $"{r}={Format(r, amount(r))}"));
                return $"{resource} \"{name}\" is forbidden: exceeded quota: {quotaName}, requested: {List(r => requested[r])}, " +
                    $"used: {List(r => used.GetValueOrDefault(r))}, limited: {List(r => hard[r])}";
            }
        }
        return null;
    }

    void ApplyLimitRanges(string ns, JsonObject pod)
    {
        var items = _objects.Where(o => o.Key.StartsWith($"limitranges|{ns}|", StringComparison.Ordinal))
            .SelectMany(o => o.Value["spec"]?["limits"]?.AsArray() ?? []).OfType<JsonObject>().Where(i => i["type"]?.GetValue<string>() == "Container").ToList();
        foreach (var container in Containers(pod))
        {
            var resources = container["resources"] as JsonObject ?? (JsonObject)(container["resources"] = new JsonObject());
            var requests = resources["requests"] as JsonObject ?? (JsonObject)(resources["requests"] = new JsonObject());
            var limits = resources["limits"] as JsonObject ?? (JsonObject)(resources["limits"] = new JsonObject());
            foreach (var (r, limit) in limits.ToList())
            {
                requests[r] ??= limit!.DeepClone();
            }
            foreach (var item in items)
            {
                foreach (var (r, value) in item["default"] as JsonObject ?? [])
                {
                    limits[r] ??= value!.DeepClone();
                }
                foreach (var (r, value) in item["defaultRequest"] as JsonObject ?? [])
                {
                    requests[r] ??= value!.DeepClone();
                }
            }
        }
    }

    static IEnumerable<JsonObject> Containers(JsonObject pod, string list = "containers") =>
        pod["spec"]?[list]?.AsArray().OfType<JsonObject>() ?? [];

    static bool AllContainersSpecify(JsonObject pod, string quotaResource)
    {
        var (kind, resource) = (quotaResource.Split('.')[0], quotaResource.Split('.')[1]);
        return Containers(pod).Concat(Containers(pod, "initContainers")).All(c => c["resources"]?[kind]?[resource] is not null);
    }

    /// <summary>What one object counts against a quota, by the quota's resource names.</summary>
    static Dictionary<string, decimal> Usage(string resource, JsonObject obj)
    {
        if (resource == "persistentvolumeclaims")
        {
            var storage = obj["spec"]?["resources"]?["requests"]?["storage"]?.GetValue<string>();
            return new() { ["persistentvolumeclaims"] = 1, ["requests.storage"] = storage is null ? 0 : Quantity(storage) };
        }
        var usage = new Dictionary<string, decimal> { ["pods"] = 1 };
        foreach (var kind in new[] { "requests", "limits" })
        {
            foreach (var r in ComputeResources)
            {
                decimal Of(JsonObject c) => c["resources"]?[kind]?[r]?.GetValue<string>() is { } q ? Quantity(q) : 0;
                var running = Containers(obj).Sum(Of);
                var init = Containers(obj, "initContainers").Select(Of).DefaultIfEmpty(0).Max();
                usage[$"{kind}.{r}"] = Math.Max(running, init);
            }
        }
        usage["memory"] = usage["requests.memory"];
        usage["cpu"] = usage["requests.cpu"];
        return usage;
    }

    static decimal Quantity(string quantity) => new k8s.Models.ResourceQuantity(quantity).ToDecimal();

    /// <summary>A quantity as kube-apiserver prints it in a quota message: the largest whole binary unit ("64Mi", "2Gi"), milli-cores, or a count.</summary>
    static string Format(string resource, decimal amount)
    {
        if (resource is "pods" or "persistentvolumeclaims")
        {
            return amount.ToString("0", CultureInfo.InvariantCulture);
        }
        if (resource.EndsWith("cpu", StringComparison.Ordinal))
        {
            return decimal.Truncate(amount) == amount ? amount.ToString("0", CultureInfo.InvariantCulture) : $"{amount * 1000:0}m";
        }
        foreach (var (suffix, size) in new[] { ("Ti", 1L << 40), ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10) })
        {
            if (amount >= size && amount % size == 0)
            {
                return $"{amount / size:0}{suffix}";
            }
        }
        return amount.ToString("0", CultureInfo.InvariantCulture);
    }
}
