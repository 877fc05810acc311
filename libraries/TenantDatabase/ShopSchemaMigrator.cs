using DbUp;
using DbUp.Engine.Output;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// Runs the shop's DbUp migrations inside one tenant's schema, logged in as that tenant's own role: the tables are
/// the role's, and a migration cannot reach outside the schema even if a script tried to.
/// </summary>
public sealed class ShopSchemaMigrator(ILogger<ShopSchemaMigrator> logger)
{
    /// <returns>The scripts that ran now (none when the schema was already current).</returns>
    public IReadOnlyList<string> Migrate(NpgsqlDataSource tenantDataSource, string schema)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(new PostgresqlConnectionManager(tenantDataSource))
            .JournalToPostgresqlTable(schema, ShopTables.Journal)
            .WithScriptsEmbeddedInAssembly(typeof(ShopSchemaMigrator).Assembly, name => name.Contains(".Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new UpgradeLog(logger))
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new ShopMigrationException(result.ErrorScript?.Name ?? "(journal)", result.Error);
        }
        return result.Scripts.Select(s => s.Name).ToList();
    }

    /// <summary>DbUp's chatter goes to debug; failures surface through the exception instead.</summary>
    sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogDebug(ex, format, args);
    }
}

public sealed class ShopMigrationException(string script, Exception inner)
    : Exception($"migration {script} failed: {inner.Message}", inner)
{
    public string Script { get; } = script;
}
