using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Gateway.Security;

/// <summary>
/// Section <c>Auth</c>: operators present an HS256 JWT signed with SigningKey. The SuperAdmin role may do everything;
/// the Viewer role may read (GET) and change nothing.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";
    public const string SuperAdminRole = "SuperAdmin";
    public const string ViewerRole = "Viewer";
    public static readonly string[] Roles = [SuperAdminRole, ViewerRole];

    /// <summary>Reads need SuperAdmin or Viewer, anything else SuperAdmin (<see cref="OperatorAccess"/>).</summary>
    public const string OperatorPolicy = "Operator";

    [Required, MinLength(32, ErrorMessage = "Auth:SigningKey must be at least 32 characters")]
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "mechanicbuddy";

    [Required]
    public string Audience { get; set; } = "mechanicbuddy-gateway";
}
