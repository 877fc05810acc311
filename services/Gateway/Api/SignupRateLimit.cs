using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// Signups per client per minute (fixed window, no queue): a client is its token's subject, or its address when it
/// has none. A refused signup is a 429 problem with Retry-After, and nothing reaches the registry.
/// </summary>
public static class SignupRateLimit
{
    public const string Policy = "signup";

    /// <remarks>The limit is read from the bound <see cref="GatewayLimitsOptions"/> (validated at start).</remarks>
    public static IServiceCollection AddSignupRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(ClientOf(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = PerMinute(http), Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
            }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    $"At most {PerMinute(context.HttpContext)} signups a minute per client; try again in {seconds} s. Nothing was created.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many signups").ExecuteAsync(context.HttpContext);
            };
        });

    static int PerMinute(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<GatewayLimitsOptions>>().Value.SignupsPerMinutePerClient;

    static string ClientOf(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } subject
            ? "sub:" + subject
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
