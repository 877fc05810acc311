using MechanicBuddy.Gateway.Waiting;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Consumers;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Api;

/// <summary>Suspend (the tenant's hosts answer 503, data untouched) and resume; both honour Prefer: wait=N.</summary>
public static class SuspensionEndpoints
{
    public const int MaxReasonLength = 500;

    /// <summary>Optional body of a suspension: why, for the tenant's log and the TenantSuspended event.</summary>
    public sealed record SuspendRequest(string? Reason);

    public static IEndpointRouteBuilder MapSuspension(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Tenants")
            .AddEndpointFilter<TenantIdFilter>();

        group.MapPost("/{tenantId}/suspend", SuspendAsync)
            .WithName("SuspendTenant")
            .WithSummary("Stop serving an Active tenant: its hosts answer 503, its data stays. Optional body { \"reason\": \"…\" }.")
            .Produces<TenantDto>(StatusCodes.Status202Accepted).Produces<TenantDto>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{tenantId}/resume", ResumeAsync)
            .WithName("ResumeTenant")
            .WithSummary("Serve a Suspended tenant again.")
            .Produces<TenantDto>(StatusCodes.Status202Accepted).Produces<TenantDto>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    static async Task<IResult> SuspendAsync(string tenantId, SuspendRequest? request, HttpContext http, ITenantRegistryApi registry,
        IPublishEndpoint publisher, TenantCompletionNotifier notifier, TimeProvider clock, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > MaxReasonLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"At most {MaxReasonLength} characters."] });
        }
        return await ChangeAsync(tenantId, http, registry, notifier, cancellationToken, target: TenantStatuses.Suspended,
            allowed: [TenantStatuses.Active, TenantStatuses.Suspending], conflict: "Only an active tenant can be suspended",
            send: () => publisher.Publish(new SuspendTenant
            {
                CorrelationId = TenantNames.CorrelationIdFor(tenantId), TenantId = tenantId, Reason = reason, RequestedAt = clock.GetUtcNow(),
            }, cancellationToken));
    }

    static Task<IResult> ResumeAsync(string tenantId, HttpContext http, ITenantRegistryApi registry, IPublishEndpoint publisher,
        TenantCompletionNotifier notifier, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, http, registry, notifier, cancellationToken, target: TenantStatuses.Active,
            allowed: [TenantStatuses.Suspended, TenantStatuses.Resuming], conflict: "Only a suspended tenant can be resumed",
            send: () => publisher.Publish(new ResumeTenant
            {
                CorrelationId = TenantNames.CorrelationIdFor(tenantId), TenantId = tenantId, RequestedAt = clock.GetUtcNow(),
            }, cancellationToken));

    /// <summary>
    /// Already in the target state: 200, nothing sent. In an allowed state (including half-way, which re-sends the
    /// idempotent command): sent, then 200 once there or 202 to watch. Anything else: 409 naming the current state.
    /// </summary>
    static async Task<IResult> ChangeAsync(string tenantId, HttpContext http, ITenantRegistryApi registry, TenantCompletionNotifier notifier,
        CancellationToken cancellationToken, string target, string[] allowed, string conflict, Func<Task> send)
    {
        var current = await registry.GetAsync(tenantId, cancellationToken);
        if (!current.IsSuccessful || current.Content is null)
        {
            return Problems.TenantNotFound(tenantId);
        }
        if (current.Content.Status == target)
        {
            return TypedResults.Ok(current.Content);
        }
        if (!allowed.Contains(current.Content.Status))
        {
            return Problems.Conflict(conflict, $"The tenant is {current.Content.Status}.");
        }

        await PreferWait.SendAndWaitAsync(http, notifier, tenantId, send, cancellationToken);
        var location = $"/api/tenants/{tenantId}";
        http.Response.Headers.Location = location;
        var after = (await registry.GetAsync(tenantId, cancellationToken)).Content ?? current.Content;
        return after.Status == target ? TypedResults.Ok(after) : TypedResults.Accepted(location, after);
    }
}
