namespace MechanicBuddy.Tenancy;

public static class DeploymentModes
{
    public const string Shared = "shared";
    public const string Dedicated = "dedicated";

    public static readonly IReadOnlyList<string> All = [Shared, Dedicated];

    /// <summary>The seed's Path Decision Flow: free/demo go shared while the free tier is enabled; everything else is dedicated.</summary>
    public static string Decide(string subscriptionTier, bool freeTierEnabled) =>
        freeTierEnabled && SubscriptionTiers.IsSharedEligible(subscriptionTier) ? Shared : Dedicated;
}
