using MechanicBuddy.Contracts.Http;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.Fleet;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>The registry's internal API for fleet schema rollouts, called by the Gateway (which validates the operator's request first).</summary>
public static class FleetMigrationEndpoints
{
    public static IEndpointRouteBuilder MapFleetMigrations(this IEndpointRouteBuilder app)
    {
        var fleet = app.MapGroup("/api/fleet/migrations").AddEndpointFilter<ServiceKeyFilter<RegistryApiOptions>>();

        fleet.MapPost("/", async Task<Results<Created<FleetMigrationDto>, Conflict<FleetMigrationDto>, ValidationProblem>> (FleetMigrationRequest request, FleetMigrationStore store,
            CancellationToken cancellationToken) =>
        {
            // The Gateway sends every setting filled in; anything else is not its request.
            if (request is not { TargetVersion: { } target, CanaryCount: { } canaries, BatchSize: { } batch, MaxConcurrencyPerServer: { } perServer,
                FailureThreshold: { } threshold, LockTimeoutMs: { } lockTimeout })
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["request"] = ["every setting must be given"] });
            }
            var (created, unfinished) = await store.CreateAsync(
                new FleetMigrationPlan(target, request.Selection ?? new FleetSelection(), canaries, batch, perServer, threshold, lockTimeout), cancellationToken);
            return created is { } id
                ? TypedResults.Created($"/api/fleet/migrations/{id}", await store.GetAsync(id, cancellationToken))
                : TypedResults.Conflict(await store.GetAsync(unfinished!.Value, cancellationToken));
        });

        fleet.MapGet("/", async Task<Results<Ok<IReadOnlyList<FleetMigrationDto>>, ValidationProblem>> (int? limit, FleetMigrationStore store,
            CancellationToken cancellationToken) => limit is < 1 or > 50
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["must be between 1 and 50"] })
                : TypedResults.Ok(await store.RecentAsync(limit ?? 10, cancellationToken)));

        fleet.MapGet("/{id:guid}", async Task<Results<Ok<FleetMigrationDto>, NotFound>> (Guid id, FleetMigrationStore store, CancellationToken cancellationToken) =>
            await store.GetAsync(id, cancellationToken) is { } rollout ? TypedResults.Ok(rollout) : TypedResults.NotFound());

        MapStateChange(fleet, "pause", [FleetStates.Running], FleetStates.Paused);
        MapStateChange(fleet, "resume", [FleetStates.Paused], FleetStates.Running);
        MapStateChange(fleet, "abort", FleetStates.Unfinished, FleetStates.Aborted);

        fleet.MapPost("/{id:guid}/tenants/{tenantId}/retry", async Task<Results<Ok<FleetMigrationDto>, NotFound, Conflict<FleetMigrationDto>>> (
            Guid id, string tenantId, FleetMigrationStore store, CancellationToken cancellationToken) =>
        {
            if (!TenantIds.IsValid(tenantId) || await store.GetAsync(id, cancellationToken) is not { } rollout || rollout.Tenants.All(t => t.TenantId != tenantId))
            {
                return TypedResults.NotFound();
            }
            return await store.RetryTenantAsync(id, tenantId, cancellationToken)
                ? TypedResults.Ok((await store.GetAsync(id, cancellationToken))!)
                : TypedResults.Conflict(rollout);
        });
        return app;
    }

    /// <summary>A state change that is only allowed from some states: 409 with the rollout as it is otherwise.</summary>
    static void MapStateChange(RouteGroupBuilder fleet, string action, IReadOnlyList<string> from, string to) =>
        fleet.MapPost($"/{{id:guid}}/{action}", async Task<Results<Ok<FleetMigrationDto>, NotFound, Conflict<FleetMigrationDto>>> (
            Guid id, FleetMigrationStore store, CancellationToken cancellationToken) =>
        {
            if (await store.GetAsync(id, cancellationToken) is not { } rollout)
            {
                return TypedResults.NotFound();
            }
            return await store.ChangeStateAsync(id, from, to, cancellationToken)
                ? TypedResults.Ok((await store.GetAsync(id, cancellationToken))!)
                : TypedResults.Conflict(rollout);
        });
}
