using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>Section <c>Registry</c>: the key callers of the query API (the Gateway) must present; it serves tenant data.</summary>
public sealed class RegistryApiOptions
{
    public const string Section = "Registry";
    public const string Header = "X-Service-Key";

    [System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MinLength(32, ErrorMessage = "Registry:ApiKey must be at least 32 characters")]
    public string ApiKey { get; set; } = "";
}

/// <summary>Refuses query API calls without the service key (compared in constant time).</summary>
public sealed class ServiceKeyFilter(IOptions<RegistryApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[RegistryApiOptions.Header].ToString();
        var expected = options.Value.ApiKey;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem($"The {RegistryApiOptions.Header} header is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized,
                title: "Service key required");
        }
        return await next(context);
    }
}
