using MechanicBuddy.Contracts.Http;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.TenantRegistry.Pools;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>The registry's internal API for the shared tier's pools, called by the Gateway: occupancy, drain, undrain.</summary>
public static class PoolEndpoints
{
    public static IEndpointRouteBuilder MapPools(this IEndpointRouteBuilder app)
    {
        var pools = app.MapGroup("/api/pools").AddEndpointFilter<ServiceKeyFilter<RegistryApiOptions>>();

        pools.MapGet("/", async (PoolCatalog catalog, CancellationToken cancellationToken) => TypedResults.Ok(await catalog.ReportAsync(cancellationToken)));

        foreach (var (action, draining) in new[] { ("drain", true), ("undrain", false) })
        {
            pools.MapPost($"/{{name}}/{action}", async Task<Results<Ok<SharedPoolDto>, NotFound>> (string name, PoolCatalog catalog, PoolKeeper keeper,
                CancellationToken cancellationToken) =>
            {
                if (!await catalog.SetDrainingAsync(name, draining, cancellationToken))
                {
                    return TypedResults.NotFound();
                }
                // A drained pool no longer counts as room: the headroom may want a new one.
                keeper.Nudge();
                return TypedResults.Ok((await catalog.ReportAsync(cancellationToken)).Pools.Single(p => p.Name == name));
            });
        }
        return app;
    }
}
