using System.Net;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Gateway.Validation;
using Refit;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// <c>/api/fleet/migrations</c>: roll a shop schema version out to the fleet — canaries first, then waves, at most so many
/// at once per database server, stopping by itself past a failure threshold; watch it, pause, resume, abort, retry a tenant.
/// The registry runs the rollout; the Gateway validates the operator's request and fills in the defaults.
/// </summary>
public static class FleetEndpoints
{
    public static IEndpointRouteBuilder MapFleet(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/fleet/migrations").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Fleet");

        group.MapPost("/", async (FleetMigrationRequest? request, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
        {
            var (plan, errors) = FleetMigrationValidator.Validate(request);
            if (plan is null)
            {
                return TypedResults.ValidationProblem(errors, title: "The rollout is not valid");
            }
            var started = await registry.StartFleetMigrationAsync(plan, cancellationToken);
            return started switch
            {
                { IsSuccessful: true, Content: { } rollout } => TypedResults.Created($"/api/fleet/migrations/{rollout.Id}", rollout),
                { StatusCode: HttpStatusCode.Conflict } => Problems.Conflict("Another rollout is not finished",
                    $"Fleet migration {UnfinishedRollout(started)} is not finished: one rollout runs at a time, so its limit per database server " +
                    "holds for the whole fleet. Let it complete, retry its failed tenants, or abort it, then start this one."),
                _ => Unavailable(started),
            };
        })
            .WithName("StartFleetMigration")
            .WithSummary("Start a rollout: { targetVersion, selection: { tiers, pools, deploymentModes, tenantIds }, canaryCount, batchSize, maxConcurrencyPerServer, failureThreshold, lockTimeoutMs } (all optional).")
            .Produces<FleetMigrationDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", async (int? limit, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
            await registry.ListFleetMigrationsAsync(limit, cancellationToken) switch
            {
                { IsSuccessful: true, Content: { } rollouts } => TypedResults.Ok(rollouts),
                { StatusCode: System.Net.HttpStatusCode.BadRequest } => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["must be between 1 and 50"] }),
                var other => Problems.RegistryUnavailable($"The tenant registry answered {(int?)other.StatusCode}."),
            })
            .WithName("ListFleetMigrations").WithSummary("The newest rollouts (limit, default 10, at most 50) with their state and counts; GET one for its tenants.")
            .Produces<List<FleetMigrationDto>>().ProducesValidationProblem();

        group.MapGet("/{id:guid}", async (Guid id, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
            Answer(await registry.GetFleetMigrationAsync(id, cancellationToken), id, "look at"))
            .WithName("GetFleetMigration").WithSummary("A rollout: its state, counts per tenant state, and every tenant's version, outcome, duration, lock time and error.")
            .Produces<FleetMigrationDto>().ProducesProblem(StatusCodes.Status404NotFound);

        foreach (var action in new[] { "pause", "resume", "abort" })
        {
            group.MapPost($"/{{id:guid}}/{action}", async (Guid id, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
                Answer(await registry.ChangeFleetMigrationAsync(id, action, cancellationToken), id, action))
                .WithName($"{char.ToUpperInvariant(action[0])}{action[1..]}FleetMigration")
                .WithSummary(action switch
                {
                    "pause" => "Start no more tenants; those under way finish.",
                    "resume" => "Go on with a paused rollout.",
                    _ => "End the rollout: no more tenants start; those not migrated stay at their version.",
                })
                .Produces<FleetMigrationDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        }

        group.MapPost("/{id:guid}/tenants/{tenantId}/retry", async (Guid id, string tenantId, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
            Answer(await registry.RetryFleetMigrationTenantAsync(id, tenantId, cancellationToken), id, $"retry tenant {tenantId} of"))
            .AddEndpointFilter<TenantIdFilter>()
            .WithName("RetryFleetMigrationTenant").WithSummary("Migrate a failed tenant again; a rollout its failures had stopped goes on.")
            .Produces<FleetMigrationDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    static IResult Answer(IApiResponse<FleetMigrationDto> response, Guid id, string what) => response switch
    {
        { IsSuccessful: true, Content: { } rollout } => TypedResults.Ok(rollout),
        { StatusCode: HttpStatusCode.NotFound } => TypedResults.Problem($"No fleet migration '{id}' (or no such tenant in it).", statusCode: StatusCodes.Status404NotFound,
            title: "Fleet migration not found", type: "https://mechanicbuddy.app/problems/fleet-migration-not-found"),
        { StatusCode: HttpStatusCode.Conflict } => Problems.Conflict("Not possible in the rollout's state",
            $"Cannot {what} fleet migration {id} as it stands; GET it to see its state and its tenants'."),
        _ => Unavailable(response),
    };

    /// <summary>The registry answers a refused start with the rollout that holds the fleet.</summary>
    static string UnfinishedRollout(IApiResponse response)
    {
        try
        {
            return response.Error is ApiException { Content: { } body }
                && System.Text.Json.JsonSerializer.Deserialize<FleetMigrationDto>(body, System.Text.Json.JsonSerializerOptions.Web) is { } unfinished
                ? $"{unfinished.Id} ({unfinished.State})"
                : "(unknown)";
        }
        catch (System.Text.Json.JsonException)
        {
            return "(unknown)";
        }
    }

    static IResult Unavailable(IApiResponse response) => Problems.RegistryUnavailable($"The tenant registry answered {(int?)response.StatusCode}.");
}
