using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Bench;

/// <summary>
/// The baseline: the same SQL work the shared tier does for a signup (role and schema, DbUp migrations as the
/// tenant's role, seed), with the same classes, called directly — no Gateway, broker, saga, route or log.
/// </summary>
public sealed class DirectSqlPath(string poolConnectionString) : IAsyncDisposable
{
    static IOptions<ProvisioningOptions> OptionsFor(string poolConnectionString) => Options.Create(new ProvisioningOptions
    {
        FreeTier = new FreeTierOptions { PostgresConnectionString = poolConnectionString, AllowConnectionOversubscription = true },
    });
    readonly IOptions<ProvisioningOptions> _options = OptionsFor(poolConnectionString);
    SharedPools Pools => _poolsCache ??= new SharedPools(_options);
    SharedPools? _poolsCache;
    readonly ShopSchemaMigrator _migrator = new(NullLogger<ShopSchemaMigrator>.Instance);
    SharedPoolSchemas Schemas => _schemas ??= new SharedPoolSchemas(Pools, _options, NullLogger<SharedPoolSchemas>.Instance);
    SharedPoolSchemas? _schemas;

    /// <summary>Milliseconds from the start of each provisioning to the end of each step, for comparison with the gateway path's log.</summary>
    public System.Collections.Concurrent.ConcurrentBag<(string Step, double Milliseconds)> StepTimes { get; } = [];

    public async Task ProvisionAsync(string companyName, string adminPasswordHash, bool record = true)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        void Mark(string step)
        {
            if (record)
            {
                StepTimes.Add((step, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }
        }
        var names = new TenantNames(TenantIds.Generate(companyName));
        var password = Guid.NewGuid().ToString("N");
        await Schemas.CreateTenantAsync("default", names, password, CancellationToken.None);
        Mark("CreateSchema");
        await using var tenantDb = TenantLogin.DataSource(poolConnectionString, names, password);
        await Task.Factory.StartNew(() => _migrator.Migrate(tenantDb, names.Schema), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Mark("RunMigrations");
        await ShopSeeder.SeedAsync(tenantDb, new ShopSeeder.Seed(companyName, "free", "owner@example.com", adminPasswordHash, 5), CancellationToken.None);
        Mark("SeedData");
    }

    /// <summary>A shop as an earlier release built it: role and schema, migrations up to <paramref name="version"/>, no seed.</summary>
    public async Task<(TenantNames Names, string Password)> CreateAtVersionAsync(string companyName, int version)
    {
        var names = new TenantNames(TenantIds.Generate(companyName));
        var password = Guid.NewGuid().ToString("N");
        await Schemas.CreateTenantAsync("default", names, password, CancellationToken.None);
        await using var tenantDb = TenantLogin.DataSource(poolConnectionString, names, password);
        await Task.Factory.StartNew(() => _migrator.MigrateTo(tenantDb, names.Schema, version, lockTimeout: null), CancellationToken.None, TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return (names, password);
    }

    public void PrintStepTimes()
    {
        Console.WriteLine($"{"direct step (ms after start)",-28} {"p50",7}");
        foreach (var group in StepTimes.GroupBy(s => s.Step).OrderBy(g => g.Min(s => s.Milliseconds)))
        {
            var sorted = group.Select(s => s.Milliseconds).Order().ToArray();
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{group.Key,-28} {sorted[sorted.Length / 2],7:F0}"));
        }
    }

    public ValueTask DisposeAsync() => Pools.DisposeAsync();
}
