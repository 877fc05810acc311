using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Api;

/// <summary>Every route with a {tenantId} answers a malformed id with a 400 before its handler runs (the ids reach SQL, nginx and Kubernetes names).</summary>
public sealed class TenantIdFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.RouteValues.TryGetValue("tenantId", out var value) && value is string tenantId && !TenantIds.IsValid(tenantId))
        {
            return Problems.InvalidTenantId(tenantId);
        }
        return await next(context);
    }
}
