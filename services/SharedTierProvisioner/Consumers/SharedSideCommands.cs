using MechanicBuddy.Provisioning;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

static class SharedSideCommands
{
    /// <summary>The command is for a shared side and names its pool; returns the pool.</summary>
    public static string Require(string deploymentMode, string? pool)
    {
        WorkerPath.Require(DeploymentModes.Shared, deploymentMode);
        return string.IsNullOrEmpty(pool) ? throw new InvalidOperationException("a shared side's command names its pool") : pool;
    }
}
