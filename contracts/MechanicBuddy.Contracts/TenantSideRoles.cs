namespace MechanicBuddy.Contracts;

/// <summary>
/// Which of a tenant's sides a worker command is about, echoed in the worker's answer: the side that serves the tenant,
/// the target a tier change is building, or the old side a finished tier change keeps for its grace period.
/// </summary>
public static class TenantSideRoles
{
    public const string Current = "current";
    public const string Target = "target";
    public const string Retired = "retired";
}
