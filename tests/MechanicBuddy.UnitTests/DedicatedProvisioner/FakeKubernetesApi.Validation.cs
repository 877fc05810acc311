using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// Every object written through the fake, and every object a test puts in it, is checked against its published
/// schema (<see cref="KubernetesSchemas"/>) the way kube-apiserver answers: a field the schema does not have fails the
/// request with 400 "strict decoding error: unknown field …" under ?fieldValidation=Strict, is dropped with a
/// "Warning: 299" header under Warn (the server's default) and silently under Ignore; a value of the wrong JSON type
/// fails decoding of a built-in kind with 400 BadRequest and a custom resource's schema validation with 422 Invalid;
/// a missing required field or a value out of range is 422 Invalid, "{Kind} \"name\" is invalid: …".
/// </summary>
public sealed partial class FakeKubernetesApi
{
    /// <summary>Sends the refusal and returns false, or drops what the server would drop and returns true.</summary>
    static async Task<bool> ValidateAsync(HttpContext context, string resource, JsonObject obj)
    {
        if (!KubernetesSchemas.Knows(resource))
        {
            return true;
        }
        var findings = KubernetesSchemas.Validate(resource, obj);
        var (kind, groupKind) = KubernetesSchemas.Describe(resource);
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        var undecodable = KubernetesSchemas.IsCustom(resource) ? [] : findings.Invalid.Where(f => f.Contains(" must be of type", StringComparison.Ordinal)).ToList();
        if (undecodable.Count > 0)
        {
            var version = obj["apiVersion"]?.GetValue<string>() ?? "v1";
            await StatusAsync(context, 400, "BadRequest", $"{kind} in version \"{version.Split('/').Last()}\" cannot be handled as a {kind}: json: cannot unmarshal {undecodable[0]}");
            return false;
        }
        if (findings.UnknownFields.Count > 0)
        {
            switch (context.Request.Query["fieldValidation"].ToString())
            {
                case "Strict":
                    await StatusAsync(context, 400, "BadRequest", "strict decoding error: " + string.Join(", ", findings.UnknownFields.Select(f => $"unknown field \"{f}\"")));
                    return false;
                case "Ignore":
                    break;
                default:
                    foreach (var field in findings.UnknownFields)
                    {
                        context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{field}\\\"\"");
                    }
                    break;
            }
            foreach (var field in findings.UnknownFields)
            {
                Drop(obj, field);
            }
        }
        if (findings.Invalid.Count > 0)
        {
            var causes = findings.Invalid.Count == 1 ? findings.Invalid[0] : $"[{string.Join(", ", findings.Invalid)}]";
            await StatusAsync(context, 422, "Invalid", $"{groupKind} \"{name}\" is invalid: {causes}", name, kind);
            return false;
        }
        return true;
    }

    /// <summary>A test's own object must be one the real server could hold, or the test proves nothing about the driver reading it.</summary>
    static void RequireValid(string resource, JsonObject obj)
    {
        if (KubernetesSchemas.Knows(resource) && KubernetesSchemas.Validate(resource, obj) is { Clean: false } findings)
        {
            throw new InvalidOperationException($"{resource} fixture {obj["metadata"]?["name"]} does not match its published schema: " +
                string.Join("; ", findings.UnknownFields.Select(f => $"unknown field {f}").Concat(findings.Invalid)));
        }
    }

    /// <summary>Removes the field at a path such as "spec.ingress[0].from".</summary>
    static void Drop(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        var steps = Regex.Matches(path, @"[^.\[\]]+|\[\d+\]").Select(m => m.Value).ToList();
        foreach (var step in steps[..^1])
        {
            node = step.StartsWith('[') ? node?.AsArray()[int.Parse(step.Trim('[', ']'), System.Globalization.CultureInfo.InvariantCulture)] : node?[step];
        }
        (node as JsonObject)?.Remove(steps[^1]);
    }
}
