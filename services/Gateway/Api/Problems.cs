namespace MechanicBuddy.Gateway.Api;

/// <summary>RFC 9457 problems the Gateway answers with beyond validation, each with a stable type URI.</summary>
public static class Problems
{
    const string Base = "https://mechanicbuddy.app/problems/";

    public static IResult DuplicateTenant(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "This shop already has a tenant", type: Base + "duplicate-tenant");

    public static IResult SharedTierFull(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The free tier is at capacity", type: Base + "shared-tier-full");

    public static IResult RegistryUnavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Provisioning is unavailable", type: Base + "registry-unavailable");

    public static IResult IdempotencyKeyReused(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "This Idempotency-Key belongs to a different signup",
            type: Base + "idempotency-key-reused");

    public static IResult CustomDomainTaken(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "This custom domain already serves another tenant",
            type: "https://mechanicbuddy.app/problems/custom-domain-taken");

    public static IResult TenantNotFound(string tenantId) =>
        TypedResults.Problem($"No tenant '{tenantId}'.", statusCode: StatusCodes.Status404NotFound, title: "Tenant not found", type: Base + "tenant-not-found");

    public static IResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, type: Base + "invalid-state");

    public static IResult InvalidTenantId(string tenantId) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["tenantId"] = [$"'{(tenantId.Length > 64 ? tenantId[..64] + "…" : tenantId)}' is not a tenant id (lower-case letters, digits and '-', at most 46)"],
        }, title: "The tenant id is not valid");
}
