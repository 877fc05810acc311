using System.Globalization;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Security;

namespace MechanicBuddy.Gateway.Api;

/// <summary><c>GET /api/audit</c>: the operators' audit trail, newest first. Nothing in the API changes or removes a record.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", async ([AsParameters] AuditQuery query, HttpResponse http, ITenantRegistryApi registry, CancellationToken cancellationToken) =>
                RegistryPages.Forward(await registry.GetAuditAsync(query.Subject, query.Action, query.TenantId, query.Outcome, Iso(query.Since), Iso(query.Until),
                    query.Limit, query.After, cancellationToken), http))
            .RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Audit").WithName("ListAudit")
            .WithSummary("Who did what: every change asked of the Gateway, accepted or refused; filter by subject, action, tenantId, outcome, since, until; page with limit and after (X-Next-Cursor).")
            .Produces<List<AuditRecord>>().ProducesValidationProblem();
        return app;
    }

    static string? Iso(DateTimeOffset? time) => time?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
