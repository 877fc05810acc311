using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.Tenancy;

/// <summary>Seed: what a shop should know about its tier before it relies on it (free: "Limited to 5 users", "No custom domain").</summary>
public static class SignupWarnings
{
    public static IReadOnlyList<string> For(string deploymentMode, FreeTierOptions freeTier) =>
        deploymentMode == DeploymentModes.Shared
            ? [$"Limited to {freeTier.MechanicLimit} users", "No custom domain"]
            : [];
}
