using DbUp;
using DbUp.Postgresql;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>Brings the registry database to the current schema at start, before the bus consumes anything.</summary>
public static class RegistryDatabase
{
    public static async Task MigrateAsync(NpgsqlDataSource registry, ILogger logger, CancellationToken cancellationToken)
    {
        await using (var connection = await registry.OpenConnectionAsync(cancellationToken))
        {
            // Several registry instances may start at once; DbUp itself does not lock.
            await using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('mechanicbuddy:registry-migrations'))", connection);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            try
            {
                var result = DeployChanges.To
                    .PostgresqlDatabase(new PostgresqlConnectionManager(registry))
                    .JournalToPostgresqlTable("public", "schemaversions")
                    .WithScriptsEmbeddedInAssembly(typeof(RegistryDatabase).Assembly)
                    .WithTransactionPerScript()
                    .LogToNowhere()
                    .Build()
                    .PerformUpgrade();
                if (!result.Successful)
                {
                    throw new InvalidOperationException($"registry migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
                }
                foreach (var script in result.Scripts)
                {
                    logger.LogInformation("Registry migration {Script} applied", script.Name);
                }
                // Tenant roles live on the same server as the registry in small installs: they must not connect here.
                await using var revoke = new NpgsqlCommand(
                    "DO $$ BEGIN EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$", connection);
                await revoke.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext('mechanicbuddy:registry-migrations'))", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }
}
