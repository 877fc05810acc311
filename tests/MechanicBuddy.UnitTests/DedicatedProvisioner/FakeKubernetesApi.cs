using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// The slice of the Kubernetes API the DedicatedProvisioner uses, served on the real paths with the real JSON shapes:
/// namespaces (cluster scope), namespaced resources under /api/v1 and /apis/{group}/{version}, list with
/// fieldSelector=metadata.name=…, watch streams of newline-delimited events, Status bodies for errors (404 NotFound,
/// 409 AlreadyExists, 410 Expired), merge patches, and resourceVersions that grow with every write. A deleted
/// namespace stays Terminating (deletionTimestamp set) for <see cref="NamespaceTermination"/> while its content goes:
/// creating it again answers 409 "object is being deleted", creating anything in it 403 NamespaceTerminating, as the
/// namespace lifecycle admission does. Watches follow a script per object; an unscripted watch stays open until the
/// client goes, and reports the object's removal with a DELETED event. New pods and claims pass LimitRanger and
/// ResourceQuota admission (FakeKubernetesApi.Admission.cs).
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    readonly WebApplication _app;
    long _resourceVersion = 100;
    readonly ConcurrentDictionary<string, JsonObject> _objects = new();
    readonly ConcurrentDictionary<string, ConcurrentQueue<WatchStep[]>> _scripts = new();

    readonly ConcurrentDictionary<string, bool> _hiddenOnce = new();

    /// <summary>How long a deleted namespace stays Terminating before it is gone.</summary>
    public TimeSpan NamespaceTermination { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The next GET of this object answers 404, as a read made just before another client created it would.</summary>
    public void HideOnce(string resource, string? ns, string name) => _hiddenOnce[Key(resource, ns, name)] = true;

    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<(string Request, JsonObject Body)> Bodies { get; } = new();
    public Uri Url { get; }

    FakeKubernetesApi(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    static string Key(string resource, string? ns, string name) => $"{resource}|{ns}|{name}";

    public void Put(string resource, string? ns, JsonObject obj)
    {
        RequireValid(resource, obj);
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        Stamp(obj, ns);
        _objects[Key(resource, ns, name)] = obj;
    }

    public JsonObject? Get(string resource, string? ns, string name) => _objects.TryGetValue(Key(resource, ns, name), out var o) ? o : null;

    public void ScriptWatch(string resource, string? ns, string name, params WatchStep[] steps) =>
        _scripts.GetOrAdd(Key(resource, ns, name), _ => new()).Enqueue(steps);

    void Stamp(JsonObject obj, string? ns)
    {
        var metadata = obj["metadata"]!.AsObject();
        metadata["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }
        metadata["uid"] ??= Guid.NewGuid().ToString();
        metadata["creationTimestamp"] ??= DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
    }

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeKubernetesApi? fake = null;
        app.Map("/{**path}", (HttpContext context) => fake!.HandleAsync(context));
        await app.StartAsync();
        fake = new FakeKubernetesApi(app, new Uri(app.Urls.First()));
        return fake;
    }

    /// <summary>(resource, namespace, name) from /api/v1/namespaces[/n[/resource[/name]]] or /apis/g/v/namespaces/n/resource[/name].</summary>
    static (string Resource, string? Ns, string? Name)? Route(string path)
    {
        var s = path.Trim('/').Split('/');
        var rest = s switch
        {
            ["api", "v1", .. var r] => r,
            ["apis", _, _, .. var r] => r,
            _ => null,
        };
        return rest switch
        {
            ["namespaces"] => ("namespaces", null, null),
            ["namespaces", var n] => ("namespaces", null, n),
            ["namespaces", var n, var resource] => (resource, n, null),
            ["namespaces", var n, var resource, var name] => (resource, n, name),
            _ => null,
        };
    }

    async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var line = $"{request.Method} {request.Path}{request.QueryString}";
        Requests.Enqueue(line);
        if (Route(request.Path) is not { } route)
        {
            await StatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({request.Path})");
            return;
        }
        var (resource, ns, name) = route;
        JsonObject? body = null;
        if (request.ContentLength > 0 || request.Method is "POST" or "PUT" or "PATCH")
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            if (body is not null)
            {
                Bodies.Enqueue((line, body));
            }
        }
        switch (request.Method)
        {
            case "GET" when name is not null:
                if (_hiddenOnce.TryRemove(Key(resource, ns, name), out _))
                {
                    await NotFoundAsync(context, resource, name);
                    return;
                }
                if (Get(resource, ns, name) is { } found)
                {
                    await context.Response.WriteAsJsonAsync(found);
                }
                else
                {
                    await NotFoundAsync(context, resource, name);
                }
                return;
            case "GET" when request.Query["watch"] is var w && (w == "true" || w == "1"):
                await WatchAsync(context, resource, ns);
                return;
            case "GET":
                await ListAsync(context, resource, ns);
                return;
            case "POST":
                var newName = body?["metadata"]?["name"]?.GetValue<string>();
                if (body is null || newName is null)
                {
                    await StatusAsync(context, 422, "Invalid", "metadata.name: Required value");
                    return;
                }
                if (Get(resource, ns, newName) is { } taken)
                {
                    var deleting = taken["metadata"]?["deletionTimestamp"] is not null ? "object is being deleted: " : "";
                    await StatusAsync(context, 409, "AlreadyExists", $"{deleting}{resource} \"{newName}\" already exists", newName, resource);
                    return;
                }
                if (resource != "namespaces" && (ns is null || Get("namespaces", null, ns) is null))
                {
                    await NotFoundAsync(context, "namespaces", ns ?? "");
                    return;
                }
                if (resource != "namespaces" && Get("namespaces", null, ns!)?["metadata"]?["deletionTimestamp"] is not null)
                {
                    await StatusAsync(context, 403, "Forbidden",
                        $"{resource} \"{newName}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", newName, resource);
                    return;
                }
                if (!await ValidateAsync(context, resource, body))
                {
                    return;
                }
                if (Admit(resource, ns!, body) is { } refused)
                {
                    await StatusAsync(context, 403, "Forbidden", refused, newName, resource);
                    return;
                }
                Put(resource, ns, body);
                if (resource == "resourcequotas")
                {
                    SyncQuotaLater(Key(resource, ns, newName));
                }
                context.Response.StatusCode = 201;
                await context.Response.WriteAsJsonAsync(body);
                return;
            case "PUT" when name is not null:
                if (Get(resource, ns, name) is null)
                {
                    await NotFoundAsync(context, resource, name);
                    return;
                }
                if (!await ValidateAsync(context, resource, body!))
                {
                    return;
                }
                // A replace keeps the status the controllers wrote; a quota's is brought up to date a moment later.
                if (Get(resource, ns, name)!["status"] is { } status)
                {
                    body!["status"] = status.DeepClone();
                }
                Put(resource, ns, body!);
                if (resource == "resourcequotas")
                {
                    SyncQuotaLater(Key(resource, ns, name));
                }
                await context.Response.WriteAsJsonAsync(body);
                return;
            case "PATCH" when name is not null:
                if (request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
                {
                    await StatusAsync(context, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format: {request.ContentType}");
                    return;
                }
                if (Get(resource, ns, name) is not { } target)
                {
                    await NotFoundAsync(context, resource, name);
                    return;
                }
                // The server validates the object the patch makes, and keeps the old one if that is refused.
                var patched = target.DeepClone().AsObject();
                Merge(patched, body!);
                if (!await ValidateAsync(context, resource, patched))
                {
                    return;
                }
                _objects[Key(resource, ns, name)] = patched;
                Stamp(patched, ns);
                await context.Response.WriteAsJsonAsync(patched);
                return;
            case "DELETE" when name is not null && resource == "namespaces":
                if (Get(resource, ns, name) is not { } terminating)
                {
                    await NotFoundAsync(context, resource, name);
                    return;
                }
                if (terminating["metadata"]!["deletionTimestamp"] is null)
                {
                    terminating["metadata"]!["deletionTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
                    terminating["status"] = new JsonObject { ["phase"] = "Terminating" };
                    Stamp(terminating, null);
                    foreach (var key in _objects.Keys.Where(k => k.Split('|')[1] == name))
                    {
                        _objects.TryRemove(key, out _);
                    }
                    // The namespace controller finishes later; until then the namespace is there, Terminating.
                    _ = Task.Delay(NamespaceTermination).ContinueWith(_ => Remove(Key(resource, null, name)), TaskScheduler.Default);
                }
                await context.Response.WriteAsJsonAsync(terminating);
                return;
            case "DELETE" when name is not null:
                if (!_objects.TryRemove(Key(resource, ns, name), out var removed))
                {
                    await NotFoundAsync(context, resource, name);
                    return;
                }
                Signal(Key(resource, ns, name));
                await context.Response.WriteAsJsonAsync(removed);
                return;
            default:
                await StatusAsync(context, 405, "MethodNotAllowed", $"{request.Method} is not supported here");
                return;
        }
    }

    void Remove(string key)
    {
        _objects.TryRemove(key, out _);
        Signal(key);
    }

    static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    IEnumerable<JsonObject> Matching(string resource, string? ns, HttpRequest request)
    {
        var selector = request.Query["fieldSelector"].ToString();
        var wanted = selector.StartsWith("metadata.name=", StringComparison.Ordinal) ? selector["metadata.name=".Length..] : null;
        return _objects.Where(o =>
        {
            var parts = o.Key.Split('|');
            return parts[0] == resource && (ns is null || parts[1] == ns) && (wanted is null || parts[2] == wanted);
        }).Select(o => o.Value);
    }

    async Task ListAsync(HttpContext context, string resource, string? ns)
    {
        var items = new JsonArray(Matching(resource, ns, context.Request).Select(o => (JsonNode)o.DeepClone()).ToArray());
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["kind"] = "List",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = Interlocked.Read(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    static JsonObject StatusObject(int code, string reason, string message, string? name = null, string? kind = null) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = name is null ? null : new JsonObject { ["name"] = name, ["kind"] = kind },
        ["code"] = code,
    };

    static async Task StatusAsync(HttpContext context, int code, string reason, string message, string? name = null, string? kind = null)
    {
        context.Response.StatusCode = code;
        await context.Response.WriteAsJsonAsync(StatusObject(code, reason, message, name, kind));
    }

    static Task NotFoundAsync(HttpContext context, string resource, string name) =>
        StatusAsync(context, 404, "NotFound", $"{resource} \"{name}\" not found", name, resource);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static string Serialize(object value) => JsonSerializer.Serialize(value);
}
