using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>The seed's <c>Provisioning</c> section, shared by every service that decides or builds tenants.</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>Tenants live at {id}.{BaseDomain}. Locally a subdomain of .localhost so a browser on the machine resolves it.</summary>
    [Required, RegularExpression(@"^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    public string BaseDomain { get; set; } = "mechanicbuddy.app";

    /// <summary>Scheme and port of the public URLs handed to shops ("https" without a port in production).</summary>
    [Required, RegularExpression("^https?$")]
    public string PublicScheme { get; set; } = "https";

    [Range(1, 65535)]
    public int? PublicPort { get; set; }

    public FreeTierOptions FreeTier { get; set; } = new();

    public ProvisioningTimeoutOptions Timeouts { get; set; } = new();

    public TierChangeOptions TierChange { get; set; } = new();

    public Dictionary<string, TierResourceLimits> TierResourceLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["professional"] = new()
        {
            PostgresInstances = 1, PostgresStorage = "50Gi", PostgresMemory = "2Gi", ApiReplicas = 2, ApiMemory = "1Gi",
            WebReplicas = 2, WebMemory = "512Mi", MechanicLimit = 20, BackupEnabled = true,
        },
        ["enterprise"] = new()
        {
            PostgresInstances = 3, PostgresStorage = "200Gi", PostgresMemory = "8Gi", ApiReplicas = 3, ApiMemory = "4Gi",
            WebReplicas = 3, WebMemory = "2Gi", MechanicLimit = -1, BackupEnabled = true, BackupRetention = "30d",
        },
    };

    public string PublicUrl(string host) =>
        PublicPort is { } port ? $"{PublicScheme}://{host}:{port}" : $"{PublicScheme}://{host}";
}
