using System.Text;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;

namespace MechanicBuddy.Gateway.Audit;

/// <summary>Builds the audit record of one answered request: its route says what and which tenant, its answer the outcome.</summary>
public static class AuditRecords
{
    const int MaxReason = 1000;

    public static AuditRecord Of(HttpContext context, string requestId, byte[] body)
    {
        var status = context.Response.StatusCode;
        var endpoint = context.GetEndpoint();
        var routeValues = context.Request.RouteValues;
        var answer = Parse(body);
        return new AuditRecord
        {
            Subject = OperatorAccess.Subject(context.User) ?? AuditRecord.Anonymous,
            Role = OperatorAccess.Role(context.User),
            Action = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                ?? $"{context.Request.Method} {(endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no such route)"}",
            TenantId = routeValues["tenantId"] as string ?? Text(answer, "tenantId"),
            Target = routeValues["name"] as string ?? routeValues["id"] as string ?? Text(answer, "subject"),
            RequestId = requestId,
            ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
            Method = context.Request.Method,
            Path = Truncate(context.Request.Path.Value ?? "/", 500),
            Status = status,
            Outcome = status < 400 ? AuditRecord.Accepted : AuditRecord.Refused,
            Reason = status < 400 ? null : Truncate(ReasonOf(answer, status), MaxReason),
        };
    }

    /// <summary>The problem's title and detail, then each invalid field with its messages.</summary>
    static string ReasonOf(JsonElement? problem, int status)
    {
        var parts = new List<string>();
        if (Text(problem, "title") is { } title)
        {
            parts.Add(title);
        }
        if (Text(problem, "detail") is { } detail)
        {
            parts.Add(detail);
        }
        if (problem is { } p && p.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                var messages = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(m => m.ToString()) : [field.Value.ToString()];
                parts.Add($"{field.Name}: {string.Join(" ", messages)}");
            }
        }
        return parts.Count > 0 ? string.Join(" — ", parts) : $"HTTP {status}";
    }

    static JsonElement? Parse(byte[] body)
    {
        if (body.Length is 0 or > 64 * 1024)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string? Text(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Truncate(value.GetString()!, 500) : null;

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
