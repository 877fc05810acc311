using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>The registry's internal query API, called by the Gateway through Refit.</summary>
public static class TenantQueryEndpoints
{
    const int MaxPage = 500;

    public static IEndpointRouteBuilder MapTenantQueries(this IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/api/tenants").AddEndpointFilter<ServiceKeyFilter<RegistryApiOptions>>();

        tenants.MapGet("/", async Task<Results<Ok<IReadOnlyList<TenantDto>>, ValidationProblem>> (
            TenantQueries queries, string? status, int? limit, int? offset, CancellationToken cancellationToken) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (status is not null && !KnownStatuses.Contains(status))
            {
                errors["status"] = [$"must be one of {string.Join(", ", KnownStatuses)}"];
            }
            if (limit is < 1 or > MaxPage)
            {
                errors["limit"] = [$"must be between 1 and {MaxPage}"];
            }
            if (offset is < 0)
            {
                errors["offset"] = ["must not be negative"];
            }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            var list = await queries.ListAsync(status, limit ?? 100, offset ?? 0, cancellationToken);
            return TypedResults.Ok<IReadOnlyList<TenantDto>>(list.Select(TenantMapper.ToDto).ToList());
        });

        tenants.MapGet("/{tenantId}", async Task<Results<Ok<TenantDto>, NotFound>> (string tenantId, TenantQueries queries, CancellationToken cancellationToken) =>
            TenantIds.IsValid(tenantId) && await queries.GetAsync(tenantId, cancellationToken) is { } saga
                ? TypedResults.Ok(TenantMapper.ToDto(saga))
                : TypedResults.NotFound());

        tenants.MapGet("/{tenantId}/log", async Task<Results<Ok<IReadOnlyList<ProvisioningLogEntry>>, NotFound>> (
            string tenantId, TenantQueries queries, IProvisioningLog log, CancellationToken cancellationToken) =>
            TenantIds.IsValid(tenantId) && await queries.GetAsync(tenantId, cancellationToken) is not null
                ? TypedResults.Ok(await log.ReadAsync(tenantId, cancellationToken))
                : TypedResults.NotFound());

        tenants.MapGet("/{tenantId}/provisioning", async Task<Results<Ok<TenantProvisioningResult>, NotFound>> (
            string tenantId, TenantQueries queries, IProvisioningLog log, IOptions<ProvisioningOptions> options, TimeProvider clock,
            CancellationToken cancellationToken) =>
        {
            if (!TenantIds.IsValid(tenantId) || await queries.GetAsync(tenantId, cancellationToken) is not { } saga)
            {
                return TypedResults.NotFound();
            }
            var entries = await log.ReadAsync(tenantId, cancellationToken);
            return TypedResults.Ok(TenantMapper.ToResult(saga, entries, options.Value, clock.GetUtcNow()));
        });
        return app;
    }

    static readonly IReadOnlyList<string> KnownStatuses = TenantStatuses.All;
}
