using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace MechanicBuddy.Gateway.Security;

/// <summary>
/// Who may call what: a read (GET, HEAD) needs the SuperAdmin or the Viewer role, every other method SuperAdmin. One
/// rule for every endpoint, keyed on the method, so a new endpoint cannot forget it.
/// </summary>
public static class OperatorAccess
{
    public static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    public static bool Allows(ClaimsPrincipal user, string method) =>
        user.IsInRole(AuthOptions.SuperAdminRole) || IsRead(method) && user.IsInRole(AuthOptions.ViewerRole);

    /// <summary>The token's subject ("sub"), whichever way the handler mapped it.</summary>
    public static string? Subject(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub") : null;

    /// <summary>When the token expires ("exp"), if it says.</summary>
    public static DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("exp"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>A subject a token may be minted for: 1 to 100 letters, digits, '@', '.', '_', '-', and not the audit log's "anonymous".</summary>
    public static bool IsValidSubject(string? subject) =>
        subject is { Length: > 0 and <= 100 } && subject.All(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '-')
        && !string.Equals(subject, Contracts.Http.AuditRecord.Anonymous, StringComparison.OrdinalIgnoreCase);

    public static string? Role(ClaimsPrincipal user) =>
        AuthOptions.Roles.FirstOrDefault(user.IsInRole);

    public static AuthorizationPolicyBuilder RequireOperatorAccess(this AuthorizationPolicyBuilder policy) =>
        policy.RequireAuthenticatedUser().RequireAssertion(context =>
            context.Resource is HttpContext http && Allows(context.User, http.Request.Method));
}

/// <summary>Refusals as problems that say why, so the caller and the audit trail see the reason, not a bare status.</summary>
public sealed class OperatorAccessProblems : IAuthorizationMiddlewareResultHandler
{
    readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden)
        {
            await context.ForbidAsync();
            var role = OperatorAccess.Role(context.User);
            var detail = role == AuthOptions.ViewerRole
                ? $"The {AuthOptions.ViewerRole} role may read; {context.Request.Method} needs the {AuthOptions.SuperAdminRole} role."
                : $"The token carries no operator role ({string.Join(" or ", AuthOptions.Roles)}).";
            await Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "This token may not do this",
                type: "https://mechanicbuddy.app/problems/forbidden").ExecuteAsync(context);
            return;
        }
        if (result.Challenged)
        {
            // The scheme's challenge first: it sets WWW-Authenticate (and why a token was refused); the body says it in words.
            await context.ChallengeAsync();
            await Results.Problem("Send an operator token: Authorization: Bearer <token>.", statusCode: StatusCodes.Status401Unauthorized,
                title: "No valid operator token", type: "https://mechanicbuddy.app/problems/unauthenticated").ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
