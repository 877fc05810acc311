using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;

/// <summary>Section <c>Dedicated:SingleHost</c>: one PostgreSQL instance per dedicated tenant on this machine.</summary>
public sealed class SingleHostOptions
{
    /// <summary>Parent of the tenants' instance directories (tenant-{id}/data, its log, instance.json).</summary>
    [Required]
    public string InstancesDirectory { get; set; } = "var/tenants";

    [Required]
    public string PostgresBinDirectory { get; set; } = "/usr/lib/postgresql/15/bin";

    /// <summary>initdb and postgres refuse to run as root: when this service is root they run as this OS user.</summary>
    [Required]
    public string PostgresOsUser { get; set; } = "postgres";

    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Ports handed to tenant instances, first come first served; a port stays with its tenant until deprovisioning.
    /// Keep the range below Linux's ephemeral ports (32768–60999), or a port picked for any outgoing connection or
    /// random listener can be taken between allocation and start.
    /// </summary>
    [Range(1024, 65535)]
    public int FirstPort { get; set; } = 26000;

    [Range(1024, 65535)]
    public int LastPort { get; set; } = 26999;

    /// <summary>Small by design: many tenants share one host.</summary>
    public string SharedBuffers { get; set; } = "16MB";

    [Range(5, 1000)]
    public int MaxConnections { get; set; } = 30;

    /// <summary>The seed's 5 minutes for the database to become ready.</summary>
    [Range(1, 3600)]
    public int ReadyTimeoutSeconds { get; set; } = 300;

    /// <summary>The MechanicBuddy API and Web this host runs; the tenant's route sends its hosts there with X-Tenant-ID.</summary>
    [Required]
    public string ApiUrl { get; set; } = "http://127.0.0.1:5080";

    [Required]
    public string WebUrl { get; set; } = "http://127.0.0.1:5080";
}
