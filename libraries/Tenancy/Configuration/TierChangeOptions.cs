using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Tenancy.Configuration;

/// <summary><c>Provisioning:TierChange</c>: how long a tier change's phases may take, and how long the old side is kept.</summary>
public sealed class TierChangeOptions
{
    /// <summary>Each data phase (freeze, copy, verify) and the route switch; past it the change rolls back. Building the target has the provisioning timeouts.</summary>
    [Range(1, 86400)]
    public int PhaseSeconds { get; set; } = 300;

    /// <summary>How long the freeze waits for writes already under way (their table locks) before it gives up; the change then rolls back.</summary>
    [Range(1, 600)]
    public int FreezeLockTimeoutSeconds { get; set; } = 15;

    /// <summary>How long the old side (read-only) is kept after a successful change before it is removed: a way back if something surfaces.</summary>
    [Range(0, 90 * 86400)]
    public int GracePeriodSeconds { get; set; } = 86400;
}
