using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>
/// <c>Provisioning:Timeouts</c>: how long a whole provisioning may take before the registry ends it as Failed and has
/// everything built removed. Above the workers' own step limits, so a worker's clear failure normally comes first.
/// </summary>
public sealed class ProvisioningTimeoutOptions
{
    [Range(1, 86400)]
    public int SharedSeconds { get; set; } = 300;

    /// <summary>The seed's dedicated path waits up to 5 minutes three times after a helm install of up to 5 minutes.</summary>
    [Range(1, 86400)]
    public int DedicatedSeconds { get; set; } = 1800;

    /// <summary>How long a worker has to confirm a removal (compensation, deprovisioning) before it is sent again.</summary>
    [Range(1, 86400)]
    public int RemovalSeconds { get; set; } = 300;

    /// <summary>How often the registry looks for provisionings past their deadline.</summary>
    [Range(1, 3600)]
    public int CheckIntervalSeconds { get; set; } = 2;

    public TimeSpan For(string deploymentMode) =>
        TimeSpan.FromSeconds(deploymentMode == DeploymentModes.Dedicated ? DedicatedSeconds : SharedSeconds);
}
