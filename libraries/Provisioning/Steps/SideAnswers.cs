using MechanicBuddy.Contracts;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>A worker's answers to the path-neutral commands, the same on both paths; each echoes the command's side and names the worker's path.</summary>
public static class SideAnswers
{
    public static TenantSideBuildFailed BuildFailed(BuildTenantSide command, string path, string step, string reason, bool compensated, DateTimeOffset at,
        IReadOnlyList<ProvisioningStepRecord> steps) => new()
    {
        CorrelationId = command.CorrelationId,
        TenantId = command.TenantId,
        Side = command.Side,
        DeploymentMode = path,
        TierChange = command.TierChange,
        Step = step,
        Reason = reason,
        Compensated = compensated,
        FailedAt = at,
        Steps = steps,
    };

    public static TenantSideRemoved Removed(RemoveTenantSide command, string path, DateTimeOffset at) => new()
    {
        CorrelationId = command.CorrelationId,
        TenantId = command.TenantId,
        Side = command.Side,
        DeploymentMode = path,
        CompletedAt = at,
    };
}
