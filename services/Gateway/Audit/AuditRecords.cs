using System.Text;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;

namespace MechanicBuddy.Gateway.Audit;

/// <summary>Builds the audit record of one answered request: its route says what and which tenant, its answer the outcome.</summary>
public static class AuditRecords
{
    const int MaxReason = 1000;

    /// <param name="failure">The exception that broke the answer, if one did: the outcome is then "error".</param>
    public static AuditRecord Of(HttpContext context, string requestId, byte[] body, Exception? failure = null)
    {
        var status = failure is null ? context.Response.StatusCode : context.RequestAborted.IsCancellationRequested ? 499 : 500;
        var endpoint = context.GetEndpoint();
        var routeValues = context.Request.RouteValues;
        var answer = Parse(body);
        return new AuditRecord
        {
            Subject = Truncate(OperatorAccess.Subject(context.User) ?? AuditRecord.Anonymous, 200),
            Role = OperatorAccess.Role(context.User),
            Action = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                ?? $"{context.Request.Method} {(endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no such route)"}",
            // Route values are whatever the caller put in the path: bounded like every other field.
            TenantId = Truncate(routeValues["tenantId"] as string ?? Text(answer, "tenantId"), 100),
            Target = Truncate(routeValues["name"] as string ?? routeValues["id"] as string ?? MintedToken(answer), 200),
            RequestId = requestId,
            ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
            Method = context.Request.Method,
            Path = Truncate(context.Request.Path.Value ?? "/", 500),
            Status = status,
            Outcome = failure is not null ? AuditRecord.Error : status < 400 ? AuditRecord.Accepted : AuditRecord.Refused,
            Reason = failure is not null
                ? Truncate($"the answer broke off ({failure.GetType().Name}: {failure.Message}); the change may have been made", MaxReason)
                : status < 400 ? null : Truncate(ReasonOf(answer, status), MaxReason),
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

    /// <summary>A minted token's subject, role and expiry (not the token).</summary>
    static string? MintedToken(JsonElement? answer) =>
        Text(answer, "subject") is { } subject ? $"{subject} as {Text(answer, "role")} until {Text(answer, "expiresAt")}" : null;

    static string? Text(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Truncate(value.GetString()!, 500) : null;

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max] + "…";
}
