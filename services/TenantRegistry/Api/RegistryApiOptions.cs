using System.ComponentModel.DataAnnotations;
using MechanicBuddy.ServiceDefaults;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>Section <c>Registry</c>: the key callers of the query API (the Gateway) must present; it serves tenant data.</summary>
public sealed class RegistryApiOptions : IServiceKeyOptions
{
    public const string Section = "Registry";

    [Required, MinLength(32, ErrorMessage = "Registry:ApiKey must be at least 32 characters")]
    public string ApiKey { get; set; } = "";
}
