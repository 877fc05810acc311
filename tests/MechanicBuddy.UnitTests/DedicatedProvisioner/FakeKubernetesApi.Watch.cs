using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>One scripted step of a watch session the fake serves.</summary>
public abstract record WatchStep
{
    /// <summary>Sends {"type": Type, "object": Object} and stores the object, as the API server does when it changes.</summary>
    public sealed record Event(string Type, JsonObject Object) : WatchStep;
    /// <summary>Ends the response: the server's periodic watch timeout.</summary>
    public sealed record Close : WatchStep;
    /// <summary>Answers the watch request itself with 410 Gone: the resourceVersion is too old (the object may have changed meanwhile).</summary>
    public sealed record Gone(JsonObject? ChangedMeanwhile = null) : WatchStep;
    /// <summary>An ERROR event carrying a 410 Status inside an open stream, then the end of it.</summary>
    public sealed record ErrorGone(JsonObject? ChangedMeanwhile = null) : WatchStep;
    /// <summary>An ERROR event carrying another Status (500 InternalError: an overloaded or restarting API server), then the end of the stream.</summary>
    public sealed record Error(int Code, string Reason, string Message) : WatchStep;
}

/// <summary>The fake's watch streams: scripted sessions, and an open watch that reports its object's removal.</summary>
public sealed partial class FakeKubernetesApi
{
    readonly ConcurrentDictionary<string, TaskCompletionSource> _removals = new();

    /// <summary>Wakes the open watches of an object that is gone.</summary>
    void Signal(string key)
    {
        if (_removals.TryRemove(key, out var removal))
        {
            removal.TrySetResult();
        }
    }

    async Task WatchAsync(HttpContext context, string resource, string? ns)
    {
        var selector = context.Request.Query["fieldSelector"].ToString();
        var name = selector.StartsWith("metadata.name=", StringComparison.Ordinal) ? selector["metadata.name=".Length..] : "";
        WatchStep[] steps = _scripts.TryGetValue(Key(resource, ns, name), out var queue) && queue.TryDequeue(out var script) ? script : [];
        if (steps is [WatchStep.Gone gone, ..])
        {
            if (gone.ChangedMeanwhile is { } changed)
            {
                Put(resource, ns, changed.DeepClone().AsObject());
            }
            await StatusAsync(context, 410, "Expired", "too old resource version");
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync();
        foreach (var step in steps)
        {
            switch (step)
            {
                case WatchStep.Event e:
                    var obj = e.Object.DeepClone().AsObject();
                    if (e.Type == "DELETED")
                    {
                        _objects.TryRemove(Key(resource, ns, obj["metadata"]!["name"]!.GetValue<string>()), out _);
                        Stamp(obj, ns);
                    }
                    else
                    {
                        Put(resource, ns, obj);
                    }
                    await WriteLineAsync(context, new JsonObject { ["type"] = e.Type, ["object"] = obj.DeepClone() });
                    break;
                case WatchStep.ErrorGone errorGone:
                    if (errorGone.ChangedMeanwhile is { } changedMeanwhile)
                    {
                        Put(resource, ns, changedMeanwhile.DeepClone().AsObject());
                    }
                    await WriteLineAsync(context, new JsonObject
                    {
                        ["type"] = "ERROR",
                        ["object"] = StatusObject(410, "Expired", "too old resource version"),
                    });
                    return;
                case WatchStep.Error error:
                    await WriteLineAsync(context, new JsonObject { ["type"] = "ERROR", ["object"] = StatusObject(error.Code, error.Reason, error.Message) });
                    return;
                case WatchStep.Close:
                    return;
            }
        }
        if (steps.Length == 0 || steps[^1] is WatchStep.Event)
        {
            // An unscripted or unfinished watch stays open, as the API server's does, until the client gives up or the
            // object is gone (a DELETED event).
            var key = Key(resource, resource == "namespaces" ? null : ns, name);
            var removal = _removals.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (name.Length > 0 && !_objects.TryGetValue(key, out _))
            {
                Signal(key);
            }
            try
            {
                await removal.Task.WaitAsync(context.RequestAborted);
                var last = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } };
                Stamp(last, resource == "namespaces" ? null : ns);
                await WriteLineAsync(context, new JsonObject { ["type"] = "DELETED", ["object"] = last });
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    static async Task WriteLineAsync(HttpContext context, JsonObject line)
    {
        await context.Response.WriteAsync(line.ToJsonString() + "\n");
        await context.Response.Body.FlushAsync();
    }
}
