using Microsoft.Extensions.Options;

namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>Start-up checks that data annotations cannot express: pool names, capacities and, where a service needs them, connection strings.</summary>
public sealed class ProvisioningOptionsValidator(bool requirePoolConnectionStrings) : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions options)
    {
        var errors = new List<string>();
        var pools = options.FreeTier.EffectivePools();
        foreach (var pool in pools)
        {
            if (string.IsNullOrWhiteSpace(pool.Name) || pool.Name.Length > 63 || !pool.Name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                errors.Add($"Provisioning:FreeTier:Pools: '{pool.Name}' is not a valid pool name (lower-case letters, digits, '-', at most 63)");
            }
            if (pool.MaxTenantsPerInstance < 1)
            {
                errors.Add($"Provisioning:FreeTier:Pools:{pool.Name}:MaxTenantsPerInstance must be at least 1");
            }
            if (requirePoolConnectionStrings && options.FreeTier.Enabled && string.IsNullOrWhiteSpace(pool.PostgresConnectionString))
            {
                errors.Add($"Provisioning:FreeTier: pool '{pool.Name}' has no PostgresConnectionString");
            }
        }
        if (pools.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != pools.Count)
        {
            errors.Add("Provisioning:FreeTier:Pools: pool names must be unique");
        }
        if (options.TierChange.PhaseSeconds < 1 || options.TierChange.GracePeriodSeconds < 0)
        {
            errors.Add("Provisioning:TierChange: PhaseSeconds must be at least 1 and GracePeriodSeconds at least 0");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
