using System.ComponentModel.DataAnnotations;
using RabbitMQ.Client;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>Section <c>RabbitMq</c>: where the broker is. Quorum queues are the production default; a test broker may turn them off.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    /// <summary>The service's own broker user (scripts/broker-users.tsv); no default, so a missing one is an error at start, never guest.</summary>
    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";

    public bool QuorumQueues { get; set; } = true;

    /// <summary>Concurrent messages per receive endpoint: provisioning steps mostly wait on PostgreSQL, so a few in flight keep it busy.</summary>
    [Range(1, 256)]
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>Exit (for the supervisor to restart) after the bus was unhealthy this long; 0 = never. See <see cref="BusWatchdog"/>.</summary>
    [Range(0, 86400)]
    public int StuckBusExitSeconds { get; set; } = 120;

    /// <summary>A plain RabbitMQ client connection with the service's own login, for the few declarations MassTransit does not make.</summary>
    public ConnectionFactory ConnectionFactory() => new()
    {
        HostName = Host, Port = Port, VirtualHost = VirtualHost, UserName = Username, Password = Password,
    };
}
