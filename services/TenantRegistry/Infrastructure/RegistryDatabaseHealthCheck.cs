using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>Ready only while the registry database answers: without it no saga can load or save.</summary>
public sealed class RegistryDatabaseHealthCheck(NpgsqlDataSource registry) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = registry.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("registry database unreachable", ex);
        }
    }
}
