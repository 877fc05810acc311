using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>Everything a platform needs to build one dedicated tenant, worked out once from the command and the tier's limits.</summary>
public sealed record DedicatedTenantPlan(BuildTenantSide Command, TenantNames Names, TierResourceLimits Limits, string DefaultHostname)
{
    public string? CustomDomain => NormalizeDomain(Command.CustomDomain);

    /// <summary>A custom domain as routes and records carry it: trimmed, lower case; null when none was given.</summary>
    public static string? NormalizeDomain(string? domain) => string.IsNullOrWhiteSpace(domain) ? null : domain.Trim().ToLowerInvariant();

    /// <summary>The name the shop is given: its custom domain when it has one (seed step 8).</summary>
    public string PrimaryHostname => CustomDomain ?? DefaultHostname;

    public IReadOnlyList<string> Hostnames => CustomDomain is { } custom && custom != DefaultHostname ? [DefaultHostname, custom] : [DefaultHostname];

    public static DedicatedTenantPlan For(BuildTenantSide command, ProvisioningOptions options)
    {
        var names = new TenantNames(TenantIds.Require(command.TenantId));
        return new DedicatedTenantPlan(command, names, LimitsFor(command.SubscriptionTier, options), names.Hostname(options.BaseDomain));
    }

    /// <summary>The tier's dedicated shape; free/demo (dedicated when the free tier is disabled) get the smallest one.</summary>
    public static TierResourceLimits LimitsFor(string? tier, ProvisioningOptions options) =>
        tier is not null && options.TierResourceLimits.TryGetValue(tier, out var limits)
            ? limits
            : options.TierResourceLimits.Values.OrderBy(l => l.PostgresInstances).ThenBy(l => l.ApiReplicas).First();
}
