using MechanicBuddy.Gateway.Waiting;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Consumers;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// <c>POST /api/tenants/{id}/tier</c>: move an Active tenant to another tier. Between free/demo and professional/enterprise
/// this is a migration the registry runs (202, or 200 with Prefer: wait once it finished or rolled back); within the
/// shared path it is recorded at once (200).
/// </summary>
public static class TierEndpoints
{
    static readonly TimeSpan AdmissionTimeout = TimeSpan.FromSeconds(15);

    public sealed record TierChangeRequest(string? NewTier);

    public static IEndpointRouteBuilder MapTierChanges(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/tenants").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Tenants").AddEndpointFilter<TenantIdFilter>()
            .MapPost("/{tenantId}/tier", ChangeTierAsync)
            .WithName("ChangeTenantTier")
            .WithSummary("Upgrade or downgrade a tenant: { \"newTier\": \"professional\" }. Moves its data between shared and dedicated infrastructure, verified, with rollback.")
            .Produces<TenantDto>(StatusCodes.Status202Accepted).Produces<TenantDto>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static async Task<IResult> ChangeTierAsync(string tenantId, TierChangeRequest? request, HttpContext http, ITenantRegistryApi registry,
        IRequestClient<ChangeTenantTier> client, TenantCompletionNotifier notifier, TimeProvider clock, CancellationToken cancellationToken)
    {
        var newTier = request?.NewTier?.Trim().ToLowerInvariant();
        if (!SubscriptionTiers.IsKnown(newTier))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["newTier"] = [string.IsNullOrEmpty(newTier) ? "Required." : $"'{request!.NewTier}' is not a tier; one of {string.Join(", ", SubscriptionTiers.All)}."],
            });
        }
        var current = await registry.GetAsync(tenantId, cancellationToken);
        if (!current.IsSuccessful || current.Content is null)
        {
            return Problems.TenantNotFound(tenantId);
        }
        var tenant = current.Content;
        var location = $"/api/tenants/{tenantId}";
        http.Response.Headers.Location = location;
        if (TenantStatuses.ChangingTier.Contains(tenant.Status))
        {
            // The same request again while it runs: it is under way. Another tier: one change at a time.
            return tenant.TargetTier == newTier
                ? TypedResults.Accepted(location, tenant)
                : Problems.Conflict("A tier change is in progress", $"The tenant is moving to {tenant.TargetTier} ({tenant.Status}).");
        }
        if (tenant.Status != TenantStatuses.Active)
        {
            return Problems.Conflict("Only an active tenant can change tier", $"The tenant is {tenant.Status}.");
        }
        if (tenant.SubscriptionTier == newTier)
        {
            return TypedResults.Ok(tenant);
        }

        var wait = PreferWait.From(http.Request);
        using var waiter = wait is null ? null : notifier.TryRegister(tenantId);
        Response<TenantTierChangeAccepted, TenantRequestRejected> answer;
        try
        {
            answer = await client.GetResponse<TenantTierChangeAccepted, TenantRequestRejected>(new ChangeTenantTier
            {
                CorrelationId = TenantNames.CorrelationIdFor(tenantId), TenantId = tenantId, NewTier = newTier!, RequestedAt = clock.GetUtcNow(),
            }, cancellationToken, RequestTimeout.After(s: (int)AdmissionTimeout.TotalSeconds));
        }
        catch (RequestTimeoutException)
        {
            // The registry may have started the change and lost its answer: its record decides.
            var after = (await registry.GetAsync(tenantId, cancellationToken)).Content;
            return after is not null && after.TargetTier == newTier
                ? TypedResults.Accepted(location, after)
                : Problems.RegistryUnavailable($"The tenant registry did not answer within {AdmissionTimeout.TotalSeconds:0}s; the tier was not changed. Try again.");
        }
        if (answer.Is(out Response<TenantRequestRejected>? rejected))
        {
            return rejected.Message.Code switch
            {
                "not-found" => Problems.TenantNotFound(tenantId),
                "capacity" => Problems.SharedTierFull(rejected.Message.Reason),
                "unsupported" => TypedResults.Problem(rejected.Message.Reason, statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "This tier change is not supported", type: "https://mechanicbuddy.app/problems/tier-change-unsupported"),
                "tier" => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["newTier"] = [rejected.Message.Reason] }),
                _ => Problems.Conflict("The tier cannot change now", rejected.Message.Reason),
            };
        }
        if (answer.Is(out Response<TenantTierChangeAccepted>? accepted) && accepted.Message.Migrates && waiter is not null)
        {
            PreferWait.Applied(http.Response, wait!.Value);
            await waiter.WaitAsync(wait.Value, cancellationToken);
        }
        var result = (await registry.GetAsync(tenantId, cancellationToken)).Content ?? tenant;
        return TenantStatuses.ChangingTier.Contains(result.Status) ? TypedResults.Accepted(location, result) : TypedResults.Ok(result);
    }
}
