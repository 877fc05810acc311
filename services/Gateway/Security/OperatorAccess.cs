using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

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
