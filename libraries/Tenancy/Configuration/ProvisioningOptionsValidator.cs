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
            if (!SharedPoolNames.IsValidPoolName(pool.Name))
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
        foreach (var server in options.FreeTier.Servers)
        {
            if (!SharedPoolNames.IsValidServerName(server.Name))
            {
                errors.Add($"Provisioning:FreeTier:Servers: '{server.Name}' is not a valid server name (lower-case letters, digits, '-', at most {SharedPoolNames.MaxServerNameLength})");
            }
            if (server.MaxPools is < 1 or > 9999)
            {
                errors.Add($"Provisioning:FreeTier:Servers:{server.Name}:MaxPools must be between 1 and 9999");
            }
            if (requirePoolConnectionStrings && options.FreeTier.Enabled && string.IsNullOrWhiteSpace(server.PostgresConnectionString))
            {
                errors.Add($"Provisioning:FreeTier: server '{server.Name}' has no PostgresConnectionString");
            }
            if (pools.Any(p => SharedPoolNames.TryParse(p.Name, out var owner, out _) && owner == server.Name))
            {
                errors.Add($"Provisioning:FreeTier:Pools: a configured pool is named like a pool of server '{server.Name}'");
            }
        }
        if (options.FreeTier.Servers.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != options.FreeTier.Servers.Count)
        {
            errors.Add("Provisioning:FreeTier:Servers: server names must be unique");
        }
        if (options.TierChange.PhaseSeconds < 1 || options.TierChange.GracePeriodSeconds < 0)
        {
            errors.Add("Provisioning:TierChange: PhaseSeconds must be at least 1 and GracePeriodSeconds at least 0");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
