namespace MechanicBuddy.Tenancy;

public static class SubscriptionTiers
{
    public const string Free = "free";
    public const string Demo = "demo";
    public const string Professional = "professional";
    public const string Enterprise = "enterprise";

    public static readonly IReadOnlyList<string> All = [Free, Demo, Professional, Enterprise];

    public static bool IsKnown(string? tier) => tier is not null && All.Contains(tier);

    public static bool IsSharedEligible(string tier) => tier is Free or Demo;
}
