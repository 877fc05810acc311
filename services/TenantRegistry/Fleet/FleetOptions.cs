using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.TenantRegistry.Fleet;

/// <summary>Section <c>Fleet</c>: how the registry drives schema rollouts.</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>How often the driver looks for work to start (answers are taken as they come).</summary>
    [Range(50, 60_000)]
    public int TickMilliseconds { get; set; } = 250;

    /// <summary>A tenant sent to its worker and not answered within this is sent again (the worker crashed, the answer was lost).</summary>
    [Range(1, 3600)]
    public int ResendAfterSeconds { get; set; } = 60;

    /// <summary>A busy shop (lock timeout) is tried again after this, at most <see cref="MaxBusyRetries"/> times before it counts as failed.</summary>
    [Range(1, 3600)]
    public int BusyRetrySeconds { get; set; } = 5;

    [Range(0, 100)]
    public int MaxBusyRetries { get; set; } = 5;
}
