using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Gateway.Security;

/// <summary>Section <c>Auth</c>: operators present an HS256 JWT signed with SigningKey that carries the SuperAdmin role.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";
    public const string SuperAdminRole = "SuperAdmin";
    public const string SuperAdminPolicy = "SuperAdminOnly";

    [Required, MinLength(32, ErrorMessage = "Auth:SigningKey must be at least 32 characters")]
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "mechanicbuddy";

    [Required]
    public string Audience { get; set; } = "mechanicbuddy-gateway";
}
