using System.Text.RegularExpressions;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;

namespace MechanicBuddy.Gateway.Validation;

/// <summary>Checks a rollout request completely, reports every problem at once (keyed by JSON field), and fills in the defaults.</summary>
public static partial class FleetMigrationValidator
{
    const int MaxListLength = 10_000;

    public static (FleetMigrationRequest? Plan, Dictionary<string, string[]> Errors) Validate(FleetMigrationRequest? request)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }
        int Range(string field, int? value, int fallback, int min, int max)
        {
            if (value is { } given && (given < min || given > max))
            {
                Add(field, $"must be between {min} and {max}");
            }
            return value ?? fallback;
        }
        void Each(string field, IReadOnlyList<string>? values, Func<string, bool> valid, string rule)
        {
            if (values is null)
            {
                return;
            }
            if (values.Count is 0 or > MaxListLength)
            {
                Add(field, $"must list between 1 and {MaxListLength} values, or be left out");
            }
            foreach (var value in values.Where(v => !valid(v)).Take(5))
            {
                Add(field, $"'{(value.Length > 64 ? value[..64] + "…" : value)}' {rule}");
            }
        }

        if (request is null)
        {
            return (null, new Dictionary<string, string[]> { ["body"] = ["a JSON object is required (every field is optional)"] });
        }
        var target = Range("targetVersion", request.TargetVersion, ShopSchemaVersions.Latest, 1, ShopSchemaVersions.Latest);
        var plan = request with
        {
            TargetVersion = target,
            CanaryCount = Range("canaryCount", request.CanaryCount, 1, 0, 100),
            BatchSize = Range("batchSize", request.BatchSize, 10, 1, 1000),
            MaxConcurrencyPerServer = Range("maxConcurrencyPerServer", request.MaxConcurrencyPerServer, 4, 1, 64),
            FailureThreshold = Range("failureThreshold", request.FailureThreshold, 0, 0, 100_000),
            LockTimeoutMs = Range("lockTimeoutMs", request.LockTimeoutMs, 2000, 100, 60_000),
            Selection = request.Selection ?? new FleetSelection(),
        };
        Each("selection.tiers", plan.Selection.Tiers, SubscriptionTiers.IsKnown, $"is not a tier ({string.Join(", ", SubscriptionTiers.All)})");
        Each("selection.deploymentModes", plan.Selection.DeploymentModes, DeploymentModes.All.Contains, $"is not a path ({string.Join(", ", DeploymentModes.All)})");
        Each("selection.tenantIds", plan.Selection.TenantIds, TenantIds.IsValid, "is not a tenant id");
        Each("selection.pools", plan.Selection.Pools, PoolName().IsMatch, "is not a pool name (lower-case letters, digits, '-' and '_', at most 63)");
        return errors.Count > 0 ? (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray())) : (plan, []);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,63}\\z")]
    private static partial Regex PoolName();
}
