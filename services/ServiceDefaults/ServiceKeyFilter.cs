using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>Options that carry the key callers of a service-to-service API must present.</summary>
public interface IServiceKeyOptions
{
    string ApiKey { get; }
}

/// <summary>Section <c>Inventory</c>: the key the workers' inventory API (drift check) requires from the Gateway.</summary>
public sealed class InventoryApiOptions : IServiceKeyOptions
{
    public const string Section = "Inventory";

    [Required, MinLength(32, ErrorMessage = "Inventory:ApiKey must be at least 32 characters")]
    public string ApiKey { get; set; } = "";
}

/// <summary>Refuses calls without the service key in <see cref="Header"/> (compared in constant time).</summary>
public sealed class ServiceKeyFilter<TOptions>(IOptions<TOptions> options) : IEndpointFilter
    where TOptions : class, IServiceKeyOptions
{
    public const string Header = "X-Service-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[Header].ToString();
        var expected = options.Value.ApiKey;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem($"The {Header} header is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized,
                title: "Service key required");
        }
        return await next(context);
    }
}
