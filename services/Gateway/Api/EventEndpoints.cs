using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// <c>GET /api/events</c>: tenants' steps and lifecycle changes as Server-Sent Events (event "tenant"), from the
/// registry's provisioning log. Each event's id resumes the stream after it (Last-Event-ID, or ?after= for clients that
/// cannot set headers); without either, a tenant's stream starts at its first event and the fleet's at
/// the next one (?from=start or ?from=now to choose).
/// </summary>
public static class EventEndpoints
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);
    /// <summary>A quiet stream asks the registry less and less often, down to this; an event brings it back to <see cref="Poll"/>.</summary>
    static readonly TimeSpan QuietPoll = TimeSpan.FromSeconds(2);
    static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamAsync)
            .RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Events").WithName("StreamEvents")
            .WithSummary("Live tenant progress and lifecycle changes (text/event-stream); filter with tenantId; resume with Last-Event-ID.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    /// <summary>The events after the cursor; none while the registry is briefly away (the stream stays and asks again).</summary>
    static async Task<IReadOnlyList<TenantEvent>> NextPageAsync(ITenantRegistryApi registry, string? cursor, string? tenantId, CancellationToken cancellationToken)
    {
        try
        {
            var next = await registry.GetEventsAsync(cursor, tenantId, 200, cancellationToken);
            return next is { IsSuccessful: true, Content: { } events } ? events : [];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    static async Task<IResult> StreamAsync(HttpContext http, string? tenantId, string? after, string? from, ITenantRegistryApi registry,
        EventStreamSlots slots, CancellationToken cancellationToken)
    {
        var cursor = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } last ? last : after;
        if (tenantId is not null && !TenantIds.IsValid(tenantId))
        {
            return Problems.InvalidTenantId(tenantId);
        }
        if (from is not (null or "start" or "now"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["must be start or now"] });
        }
        // A tenant's page wants its whole story; the fleet view only what happens from now on.
        if (cursor is null && (from ?? (tenantId is null ? "now" : "start")) == "now")
        {
            var newest = await registry.GetEventsAsync(null, tenantId, 1, cancellationToken, newest: true);
            cursor = newest is { IsSuccessful: true, Content: [var latest] } ? latest.Id : null;
        }
        var first = await registry.GetEventsAsync(cursor, tenantId, 200, cancellationToken);
        if (!first.IsSuccessful)
        {
            return first.StatusCode == System.Net.HttpStatusCode.BadRequest
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Last-Event-ID"] = ["must be the id of an event this stream sent"] })
                : Problems.RegistryUnavailable($"The tenant registry answered {(int?)first.StatusCode}.");
        }

        using var slot = slots.TryTake(OperatorAccess.Subject(http.User) ?? "");
        if (slot is null)
        {
            http.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem("This token (or this Gateway) has as many event streams open as it may; close one or try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many event streams", type: "https://mechanicbuddy.app/problems/too-many-streams");
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        // Proxies must pass events on as they come, not buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync("retry: 2000\n\n", cancellationToken);
        IReadOnlyList<TenantEvent> page = first.Content ?? [];
        var quietSince = DateTime.UtcNow;
        var wait = Poll;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var item in page)
                {
                    await http.Response.WriteAsync($"id: {item.Id}\nevent: tenant\ndata: {JsonSerializer.Serialize(item, Json)}\n\n", cancellationToken);
                    cursor = item.Id;
                }
                if (page.Count > 0)
                {
                    await http.Response.Body.FlushAsync(cancellationToken);
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > Heartbeat)
                {
                    await http.Response.WriteAsync(": still here\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    quietSince = DateTime.UtcNow;
                }
                if (page.Count < 200)
                {
                    wait = page.Count > 0 ? Poll : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, QuietPoll.Ticks));
                    await Task.Delay(wait, cancellationToken);
                }
                if (OperatorAccess.ExpiresAt(http.User) is { } expires && DateTimeOffset.UtcNow >= expires)
                {
                    // The token that opened the stream has expired: the client reconnects with a fresh one.
                    break;
                }
                page = await NextPageAsync(registry, cursor, tenantId, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        return Results.Empty;
    }
}
