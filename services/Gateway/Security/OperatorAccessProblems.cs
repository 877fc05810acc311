using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace MechanicBuddy.Gateway.Security;

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
