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
            TenantQueries queries, [AsParameters] TenantListQuery query, HttpResponse response, CancellationToken cancellationToken) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (query.Status is { } status && !KnownStatuses.Contains(status))
            {
                errors["status"] = [$"must be one of {string.Join(", ", KnownStatuses)}"];
            }
            if (query.Tier is { } tier && !SubscriptionTiers.IsKnown(tier))
            {
                errors["tier"] = [$"must be one of {string.Join(", ", SubscriptionTiers.All)}"];
            }
            if (query.DeploymentMode is { } mode && !DeploymentModes.All.Contains(mode))
            {
                errors["deploymentMode"] = [$"must be one of {string.Join(", ", DeploymentModes.All)}"];
            }
            if (query.Pool is { Length: 0 or > 63 })
            {
                errors["pool"] = ["must be a pool name (1 to 63 characters)"];
            }
            if (query.Q is { } q && (string.IsNullOrWhiteSpace(q) || q.Length > 100))
            {
                errors["q"] = ["must be 1 to 100 characters"];
            }
            if (query.Limit is < 1 or > MaxPage)
            {
                errors["limit"] = [$"must be between 1 and {MaxPage}"];
            }
            if (query.Offset is < 0)
            {
                errors["offset"] = ["must not be negative"];
            }
            var after = query.After is { } cursor ? TenantListCursor.TryDecode(cursor) : null;
            if (query.After is not null && after is null)
            {
                errors["after"] = [$"must be the {TenantListQuery.NextCursorHeader} of an earlier page"];
            }
            if (query.After is not null && query.Offset is > 0)
            {
                errors["offset"] = ["cannot be combined with after: a cursor already says where the page starts"];
            }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            var (list, next) = await queries.ListAsync(new TenantListFilter(query.Status, query.Tier, query.Pool, query.DeploymentMode, query.Q),
                query.Limit ?? 100, query.Offset ?? 0, after, cancellationToken);
            if (next is not null)
            {
                response.Headers[TenantListQuery.NextCursorHeader] = next.Encode();
            }
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
