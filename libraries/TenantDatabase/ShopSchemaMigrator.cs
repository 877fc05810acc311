using System.Diagnostics;
using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// Runs the shop's DbUp migrations inside one tenant's schema, logged in as that tenant's own role: the tables are
/// the role's, and a migration cannot reach outside the schema even if a script tried to. Each script runs in its own
/// transaction, except a <c>*.concurrently.sql</c> one (a single <c>CREATE INDEX CONCURRENTLY</c>, which PostgreSQL
/// refuses inside a transaction); DbUp's journal records each script once it has run, so a run that stopped part-way
/// resumes at the first script it had not finished.
/// </summary>
public sealed class ShopSchemaMigrator(ILogger<ShopSchemaMigrator> logger)
{
    const string Concurrently = ".concurrently.";

    /// <returns>The scripts that ran now (none when the schema was already current).</returns>
    public IReadOnlyList<string> Migrate(NpgsqlDataSource tenantDataSource, string schema) =>
        MigrateTo(tenantDataSource, schema, ShopSchemaVersions.Latest, lockTimeout: null).Scripts;

    /// <summary>
    /// Brings the schema to <paramref name="targetVersion"/> (never down). With <paramref name="lockTimeout"/>, a script
    /// that cannot get its locks in time (a busy shop) fails with PostgreSQL's lock timeout instead of queueing the
    /// shop's own queries behind it; the schema stays at the last script that finished. <paramref name="asRole"/>: the
    /// login is a stand-in for the tenant (a data move's short-lived member of its role), and the scripts run as the
    /// tenant's role itself, so what they create is the tenant's and outlives the stand-in.
    /// </summary>
    public ShopMigrationRun MigrateTo(NpgsqlDataSource tenantDataSource, string schema, int targetVersion, TimeSpan? lockTimeout, string? asRole = null)
    {
        var executed = Executed(tenantDataSource, schema);
        var from = ShopSchemaVersions.Highest(executed);
        var pending = AllScripts.Where(name => ShopSchemaVersions.Of(name) <= targetVersion && !executed.Contains(name, StringComparer.Ordinal)).ToList();
        // A schema with no script run yet holds no shop data: nothing to protect from an index build's lock, so a
        // concurrent build (which waits for every open transaction in the database, other tenants' too) is not needed.
        var fresh = executed.Count == 0;
        var ran = new List<string>();
        var locked = TimeSpan.Zero;
        ShopMigrationRun Run() => new(ran, from, Math.Max(from, ShopSchemaVersions.Highest(ran)), locked);
        foreach (var group in Groups(pending, fresh))
        {
            if (!group.Transactional)
            {
                DropInvalidIndexes(tenantDataSource, schema);
            }
            var names = group.Scripts.ToHashSet(StringComparer.Ordinal);
            var upgrader = Builder(tenantDataSource, schema, names.Contains, group.Transactional, lockTimeout, asRole);
            if (fresh)
            {
                upgrader = upgrader.WithPreprocessor(new PlainIndexBuild());
            }
            var clock = Stopwatch.StartNew();
            var result = upgrader.Build().PerformUpgrade();
            if (group.Transactional)
            {
                // DDL holds its locks until the script's transaction ends: this is the time the shop's tables were locked.
                locked += clock.Elapsed;
            }
            ran.AddRange(result.Scripts.Select(s => s.Name));
            if (!result.Successful)
            {
                throw new ShopMigrationException(result.ErrorScript?.Name ?? "(journal)", result.Error, Run());
            }
        }
        return Run();
    }

    /// <summary>The version the schema's journal says it is at (0: not migrated at all).</summary>
    public int VersionOf(NpgsqlDataSource tenantDataSource, string schema) => ShopSchemaVersions.Highest(Executed(tenantDataSource, schema));

    /// <summary>The scripts the schema's journal records (an engine that runs nothing: DbUp reads the journal for it).</summary>
    List<string> Executed(NpgsqlDataSource tenantDataSource, string schema) =>
        Builder(tenantDataSource, schema, _ => false, transactional: true, lockTimeout: null, asRole: null).Build().GetExecutedScripts();

    static readonly IReadOnlyList<string> AllScripts = typeof(ShopSchemaMigrator).Assembly.GetManifestResourceNames()
        .Where(name => name.Contains(".Migrations.", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
        .OrderBy(name => name, StringComparer.Ordinal)
        .ToList();

    /// <summary>Consecutive scripts that run the same way, in order.</summary>
    static IEnumerable<(bool Transactional, List<string> Scripts)> Groups(List<string> pending, bool fresh)
    {
        var groups = new List<(bool Transactional, List<string> Scripts)>();
        foreach (var name in pending)
        {
            var transactional = fresh || !name.Contains(Concurrently, StringComparison.Ordinal);
            if (groups.Count == 0 || groups[^1].Transactional != transactional)
            {
                groups.Add((transactional, []));
            }
            groups[^1].Scripts.Add(name);
        }
        return groups;
    }

    UpgradeEngineBuilder Builder(NpgsqlDataSource dataSource, string schema, Func<string, bool> include, bool transactional, TimeSpan? lockTimeout, string? asRole)
    {
        var builder = DeployChanges.To
            .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
            .JournalToPostgresqlTable(schema, ShopTables.Journal)
            .WithScriptsEmbeddedInAssembly(typeof(ShopSchemaMigrator).Assembly, name => name.Contains(".Migrations.", StringComparison.Ordinal) && include(name))
            .LogTo(new UpgradeLog(logger));
        builder = transactional ? builder.WithTransactionPerScript() : builder.WithoutTransaction();
        if (asRole is not null)
        {
            builder = builder.WithPreprocessor(new Prefix($"SET ROLE {SqlIdentifiers.Quote(asRole)}"));
        }
        return lockTimeout is { } timeout ? builder.WithPreprocessor(new Prefix($"SET lock_timeout = {(long)timeout.TotalMilliseconds}")) : builder;
    }

    /// <summary>
    /// A concurrent index build that failed leaves an invalid index behind, which <c>IF NOT EXISTS</c> would then take
    /// for done: such leftovers are dropped before a concurrent script runs, so the retry builds the index afresh.
    /// </summary>
    static void DropInvalidIndexes(NpgsqlDataSource dataSource, string schema)
    {
        var invalid = new List<string>();
        using (var find = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema AND NOT i.indisvalid"))
        {
            find.Parameters.AddWithValue("schema", schema);
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                invalid.Add(reader.GetString(0));
            }
        }
        foreach (var index in invalid)
        {
            using var drop = dataSource.CreateCommand($"DROP INDEX CONCURRENTLY IF EXISTS {SqlIdentifiers.Quote(schema)}.{SqlIdentifiers.Quote(index)}");
            drop.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Every script starts with a session setting (the lock timeout, the role it runs as: they hold outside a
    /// transaction too, and a pooled connection's reset clears them), as a command of its own: DbUp's PostgreSQL
    /// splitter cuts a script at a line holding only ";".
    /// </summary>
    sealed class Prefix(string setting) : IScriptPreprocessor
    {
        public string Process(string contents) => $"{setting}\n;\n{contents}";
    }

    sealed class PlainIndexBuild : IScriptPreprocessor
    {
        public string Process(string contents) => contents.Replace("CREATE INDEX CONCURRENTLY", "CREATE INDEX", StringComparison.Ordinal);
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

/// <summary>What a migration run did: the scripts it ran, the versions before and after, and how long its transactions held the shop's locks.</summary>
public sealed record ShopMigrationRun(IReadOnlyList<string> Scripts, int FromVersion, int ToVersion, TimeSpan LockedFor);

public sealed class ShopMigrationException(string script, Exception inner, ShopMigrationRun? partial = null)
    : Exception($"migration {script} failed: {inner.Message}", inner)
{
    public string Script { get; } = script;

    /// <summary>What ran before the failing script (the schema is at its version).</summary>
    public ShopMigrationRun? Partial { get; } = partial;
}
