using MechanicBuddy.Gateway.Security;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Gateway.Api;

/// <summary><c>POST /api/tokens</c>: a SuperAdmin mints an operator token (e.g. a read-only Viewer token for support); audited like every change.</summary>
public static class TokenEndpoints
{
    public const int MaxHours = 24 * 30;

    public sealed record TokenRequest(string? Subject, string? Role, int? Hours);

    public sealed record TokenResponse(string Token, string Subject, string Role, DateTimeOffset ExpiresAt);

    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tokens", (TokenRequest? request, IOptions<AuthOptions> auth, TimeProvider clock) =>
        {
            var errors = new Dictionary<string, string[]>();
            var subject = request?.Subject?.Trim();
            if (!OperatorAccess.IsValidSubject(subject))
            {
                errors["subject"] = ["required: 1 to 100 letters, digits, '@', '.', '_' or '-', not 'anonymous'"];
            }
            var role = request?.Role ?? AuthOptions.ViewerRole;
            if (!AuthOptions.Roles.Contains(role))
            {
                errors["role"] = [$"must be one of {string.Join(", ", AuthOptions.Roles)}"];
            }
            var hours = request?.Hours ?? 12;
            if (hours is < 1 or > MaxHours)
            {
                errors["hours"] = [$"must be between 1 and {MaxHours}"];
            }
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }
            var now = clock.GetUtcNow();
            var expires = now.AddHours(hours);
            var token = OperatorTokens.Mint(auth.Value, subject!, [role], now.UtcDateTime.AddSeconds(-5), expires.UtcDateTime);
            return Results.Ok(new TokenResponse(token, subject!, role, expires));
        })
            .RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Tokens").WithName("MintToken")
            .WithSummary("Mint an operator token: { \"subject\": \"…\", \"role\": \"Viewer\" | \"SuperAdmin\", \"hours\": 12 }.")
            .Produces<TokenResponse>().ProducesValidationProblem();
        return app;
    }
}
