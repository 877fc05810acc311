using System.Net;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.Gateway.Api;

/// <summary><c>/api/pools</c>: the shared tier's pools and servers with their occupancy; drain a pool (no new tenants) or undrain it.</summary>
public static class PoolEndpoints
{
    public static IEndpointRouteBuilder MapPools(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/pools").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Pools");

        group.MapGet("/", async (ITenantRegistryApi registry, CancellationToken cancellationToken) =>
            await registry.GetPoolsAsync(cancellationToken) is { IsSuccessful: true, Content: { } report }
                ? TypedResults.Ok(report)
                : Problems.RegistryUnavailable("The tenant registry did not answer."))
            .WithName("ListPools").WithSummary("Every pool (configured, or created by the control plane on a server) with its state, capacity and tenants; each server's pools.")
            .Produces<SharedPoolsReport>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        foreach (var action in new[] { "drain", "undrain" })
        {
            group.MapPost($"/{{name}}/{action}", async (string name, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
            {
                if (!SharedPoolNames.IsValidPoolName(name))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["must be a pool name: lower-case letters, digits and '-', at most 63"] });
                }
                var response = await registry.ChangePoolAsync(name, action, cancellationToken);
                return response switch
                {
                    { IsSuccessful: true, Content: { } pool } => TypedResults.Ok(pool),
                    { StatusCode: HttpStatusCode.NotFound } => TypedResults.Problem($"No shared pool '{name}'.", statusCode: StatusCodes.Status404NotFound,
                        title: "Pool not found", type: "https://mechanicbuddy.app/problems/pool-not-found"),
                    _ => Problems.RegistryUnavailable($"The tenant registry answered {(int?)response.StatusCode}."),
                };
            })
                .WithName(action == "drain" ? "DrainPool" : "UndrainPool")
                .WithSummary(action == "drain" ? "Stop placing new tenants in the pool; those in it stay." : "Let a drained pool take new tenants again.")
                .Produces<SharedPoolDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        }
        return app;
    }
}
