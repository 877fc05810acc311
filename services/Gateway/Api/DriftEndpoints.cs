using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Drift;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Api;

/// <summary>The drift check: the registry against the real infrastructure, for one tenant or all of them.</summary>
public static class DriftEndpoints
{
    const int Page = 500;

    public static IEndpointRouteBuilder MapDrift(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Drift")
            .AddEndpointFilter<TenantIdFilter>();
        group.MapGet("/drift", (bool? versions, ITenantRegistryApi registry, InventorySources sources, TimeProvider clock, CancellationToken cancellationToken) =>
                CheckAsync(null, versions == true ? "*" : null, registry, sources, clock, cancellationToken))
            .WithName("CheckDrift")
            .WithSummary("Compare every tenant in the registry with the real infrastructure; list missing pieces and orphans. " +
                "versions=true also compares every shop's schema version with its record (a login into each shop: slower).")
            .Produces<DriftReport>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/tenants/{tenantId}/drift", (string tenantId, ITenantRegistryApi registry, InventorySources sources, TimeProvider clock,
                CancellationToken cancellationToken) =>
                CheckAsync(tenantId, tenantId, registry, sources, clock, cancellationToken))
            .WithName("CheckTenantDrift")
            .WithSummary("Compare one tenant's registry record with the real infrastructure.")
            .Produces<DriftReport>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> CheckAsync(string? tenantId, string? versionsOf, ITenantRegistryApi registry, InventorySources sources, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var tenants = new List<TenantDto>();
        if (tenantId is not null)
        {
            var one = await registry.GetAsync(tenantId, cancellationToken);
            if (one.IsSuccessful && one.Content is not null)
            {
                tenants.Add(one.Content);
            }
        }
        else
        {
            // By cursor: a tenant signing up meanwhile shifts no page, so none is read twice or skipped.
            for (string? after = null; ;)
            {
                var page = await registry.ListAsync(new TenantListQuery { Limit = Page, After = after }, cancellationToken);
                if (!page.IsSuccessful || page.Content is null)
                {
                    return Problems.RegistryUnavailable("The tenant registry did not answer; drift cannot be judged without it.");
                }
                tenants.AddRange(page.Content);
                after = page.NextCursor();
                if (after is null)
                {
                    break;
                }
            }
        }
        var (inventories, unreachable) = await sources.CollectAsync(versionsOf, cancellationToken);
        var report = DriftCheck.Compute(tenants, inventories, unreachable, clock.GetUtcNow(), tenantId);
        if (tenantId is not null && tenants.Count == 0 && report.Orphaned.Count == 0)
        {
            return Problems.TenantNotFound(tenantId);
        }
        return TypedResults.Ok(report);
    }
}
