using MechanicBuddy.Gateway.Waiting;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Consumers;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Api;

public static class TenantEndpoints
{
    public static IEndpointRouteBuilder MapTenants(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Tenants")
            .AddEndpointFilter<TenantIdFilter>();

        group.MapGet("/", async ([AsParameters] TenantListQuery query, HttpResponse http, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
                RegistryPages.Forward(await registry.ListAsync(query, cancellationToken), http))
            .WithName("ListTenants")
            .WithSummary("Tenants, newest first; filter by status, tier, pool, deploymentMode and q (id prefix or part of the company name); page with limit and after (the X-Next-Cursor of the page before).")
            .Produces<List<TenantDto>>().ProducesValidationProblem();

        group.MapGet("/{tenantId}", async (string tenantId, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
        {
            var response = await registry.GetAsync(tenantId, cancellationToken);
            return response.IsSuccessful ? TypedResults.Ok(response.Content) : Problems.TenantNotFound(tenantId);
        })
            .WithName("GetTenant").Produces<TenantDto>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{tenantId}/log", async (string tenantId, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
        {
            var response = await registry.GetLogAsync(tenantId, cancellationToken);
            return response.IsSuccessful ? TypedResults.Ok(response.Content) : Problems.TenantNotFound(tenantId);
        })
            .WithName("GetProvisioningLog").Produces<List<ProvisioningLogEntry>>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{tenantId}", DeprovisionAsync)
            .WithName("DeprovisionTenant")
            .WithSummary("Remove a tenant and everything it owns; honours Prefer: wait=N.")
            .Produces<TenantDto>(StatusCodes.Status202Accepted).Produces<TenantDto>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{tenantId}/retry", RetryAsync)
            .WithName("RetryProvisioning")
            .WithSummary("Run a Failed provisioning again (same tenant, same idempotent steps); honours Prefer: wait=N.")
            .Produces<TenantProvisioningResult>(StatusCodes.Status202Accepted).Produces<TenantProvisioningResult>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    static async Task<IResult> RetryAsync(string tenantId, HttpContext http, ITenantRegistryApi registry, IPublishEndpoint publisher,
        TenantCompletionNotifier notifier, TimeProvider clock, CancellationToken cancellationToken)
    {
        var current = await registry.GetProvisioningAsync(tenantId, cancellationToken);
        if (!current.IsSuccessful || current.Content is null)
        {
            return Problems.TenantNotFound(tenantId);
        }
        if (current.Content.Status != TenantStatuses.Failed)
        {
            return Problems.Conflict("Only a failed provisioning can be retried", $"The tenant is {current.Content.Status}.");
        }

        var requestedAt = clock.GetUtcNow();
        await PreferWait.SendAndWaitAsync(http, notifier, tenantId,
            () => publisher.Publish(new RetryProvisioning { CorrelationId = TenantNames.CorrelationIdFor(tenantId), TenantId = tenantId, RequestedAt = requestedAt },
                cancellationToken), cancellationToken);
        var location = $"/api/provisioning/{tenantId}";
        http.Response.Headers.Location = location;
        var after = (await registry.GetProvisioningAsync(tenantId, cancellationToken)).Content ?? current.Content;
        // Ended: Active, or Failed again after this retry started (or the retry itself was refused, e.g. the pool is full).
        var retried = after.ProvisioningLog.Any(e => e.Step == "Retry" && e.Timestamp >= requestedAt);
        var ended = retried && after.Status is TenantStatuses.Active or TenantStatuses.Failed
            && after.ProvisioningLog.Any(e => e.Timestamp >= requestedAt && (e.Step is "Completed" or "Failed" || (e.Step == "Retry" && e.Outcome == "failed")));
        return ended ? TypedResults.Ok(after) : TypedResults.Accepted(location, after);
    }

    static async Task<IResult> DeprovisionAsync(string tenantId, HttpContext http, ITenantRegistryApi registry, IPublishEndpoint publisher,
        TenantCompletionNotifier notifier, TimeProvider clock, CancellationToken cancellationToken)
    {
        var current = await registry.GetAsync(tenantId, cancellationToken);
        if (!current.IsSuccessful || current.Content is null)
        {
            return Problems.TenantNotFound(tenantId);
        }
        var location = $"/api/tenants/{tenantId}";
        switch (current.Content.Status)
        {
            case TenantStatuses.Deprovisioned:
                return TypedResults.Ok(current.Content);
            case TenantStatuses.Provisioning or TenantStatuses.Compensating:
                return Problems.Conflict("The tenant is still being provisioned", "Deprovision it once provisioning has ended (Active or Failed).");
            case TenantStatuses.Deprovisioning:
                return TypedResults.Accepted(location, current.Content);
            case var status when status is TenantStatuses.Suspending or TenantStatuses.Resuming || TenantStatuses.ChangingTier.Contains(status):
                return Problems.Conflict("The tenant is being changed", $"It is {status}; deprovision it once that has ended (Active, Suspended or Failed).");
        }

        await PreferWait.SendAndWaitAsync(http, notifier, tenantId, () => publisher.Publish(new DeprovisionTenant
        {
            CorrelationId = TenantNames.CorrelationIdFor(tenantId),
            TenantId = tenantId,
            RequestedAt = clock.GetUtcNow(),
        }, cancellationToken), cancellationToken);
        var after = await registry.GetAsync(tenantId, cancellationToken);
        var tenant = after.Content ?? current.Content;
        return tenant.Status == TenantStatuses.Deprovisioned ? TypedResults.Ok(tenant) : TypedResults.Accepted(location, tenant);
    }
}
