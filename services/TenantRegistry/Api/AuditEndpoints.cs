using MechanicBuddy.Contracts.Http;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>
/// The registry's internal API for the audit trail and the live feed, called by the Gateway: append a record, read
/// records, read events after a cursor. There is no route that changes or removes a record.
/// </summary>
public static class AuditEndpoints
{
    const int MaxPage = 500;
    const int MaxText = 2000;

    public static IEndpointRouteBuilder MapAuditAndEvents(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").AddEndpointFilter<ServiceKeyFilter<RegistryApiOptions>>();

        audit.MapPost("/", async Task<Results<Ok<AuditRecord>, ValidationProblem>> (AuditRecord record, AuditLog log, CancellationToken cancellationToken) =>
        {
            var errors = AuditRecordErrors(record);
            return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await log.AppendAsync(record, cancellationToken));
        });

        audit.MapGet("/", async Task<Results<Ok<IReadOnlyList<AuditRecord>>, ValidationProblem>> ([AsParameters] AuditQuery query, AuditLog log,
            HttpResponse response, CancellationToken cancellationToken) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (query.Outcome is { } outcome && outcome is not (AuditRecord.Accepted or AuditRecord.Refused or AuditRecord.Error))
            {
                errors["outcome"] = [$"must be {AuditRecord.Accepted}, {AuditRecord.Refused} or {AuditRecord.Error}"];
            }
            if (query.Limit is < 1 or > MaxPage)
            {
                errors["limit"] = [$"must be between 1 and {MaxPage}"];
            }
            if (query.After is < 1)
            {
                errors["after"] = [$"must be the {TenantListQuery.NextCursorHeader} of an earlier page"];
            }
            if (query.TenantId is { } tenant && !TenantIds.IsValid(tenant))
            {
                errors["tenantId"] = ["must be a tenant id"];
            }
            if (query.Subject is { Length: 0 or > 200 })
            {
                errors["subject"] = ["must be 1 to 200 characters"];
            }
            if (query.Action is { Length: 0 or > 100 })
            {
                errors["action"] = ["must be 1 to 100 characters"];
            }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            var limit = query.Limit ?? 100;
            var records = await log.ReadAsync(query, limit, cancellationToken);
            if (records.Count == limit)
            {
                response.Headers[TenantListQuery.NextCursorHeader] = records[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return TypedResults.Ok(records);
        });

        app.MapGet("/api/events", async Task<Results<Ok<IReadOnlyList<TenantEvent>>, ValidationProblem>> (string? after, string? tenantId, int? limit,
            bool? newest, TenantEventFeed feed, CancellationToken cancellationToken) =>
        {
            var errors = new Dictionary<string, string[]>();
            var cursor = EventCursor.Start;
            if (after is not null && !EventCursor.TryParse(after, out cursor))
            {
                errors["after"] = ["must be the id of an event"];
            }
            if (tenantId is not null && !TenantIds.IsValid(tenantId))
            {
                errors["tenantId"] = ["must be a tenant id"];
            }
            if (limit is < 1 or > MaxPage)
            {
                errors["limit"] = [$"must be between 1 and {MaxPage}"];
            }
            return errors.Count > 0
                ? TypedResults.ValidationProblem(errors)
                : TypedResults.Ok(newest == true
                    ? await feed.NewestAsync(tenantId, cancellationToken)
                    : await feed.ReadAsync(cursor, tenantId, limit ?? 200, cancellationToken));
        }).AddEndpointFilter<ServiceKeyFilter<RegistryApiOptions>>();
        return app;
    }

    static Dictionary<string, string[]> AuditRecordErrors(AuditRecord record)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value, required) in new[]
        {
            ("subject", record.Subject, true), ("action", record.Action, true), ("requestId", record.RequestId, true), ("method", record.Method, true),
            ("path", record.Path, true), ("role", record.Role, false), ("tenantId", record.TenantId, false), ("target", record.Target, false),
            ("clientAddress", record.ClientAddress, false), ("reason", record.Reason, false),
        })
        {
            if (required && string.IsNullOrEmpty(value) || value is { Length: > MaxText })
            {
                errors[name] = [required ? $"required, at most {MaxText} characters" : $"at most {MaxText} characters"];
            }
        }
        if (record.Outcome is not (AuditRecord.Accepted or AuditRecord.Refused or AuditRecord.Error))
        {
            errors["outcome"] = [$"must be {AuditRecord.Accepted}, {AuditRecord.Refused} or {AuditRecord.Error}"];
        }
        if (record.Status is < 100 or > 599)
        {
            errors["status"] = ["must be an HTTP status"];
        }
        return errors;
    }
}
