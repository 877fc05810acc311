using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>Section <c>Steps</c>: how long one provisioning step may take before it fails and the tenant is compensated.</summary>
public sealed class StepOptions
{
    public const string Section = "Steps";

    /// <summary>Above every wait a step does itself (the dedicated path's readiness waits are 5 minutes each).</summary>
    [Range(1, 7200)]
    public int TimeoutSeconds { get; set; } = 420;
}
