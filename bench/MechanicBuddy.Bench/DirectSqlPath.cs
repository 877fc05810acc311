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
    readonly SharedPools _pools = new(Options.Create(new ProvisioningOptions { FreeTier = new FreeTierOptions { PostgresConnectionString = poolConnectionString } }));
    readonly ShopSchemaMigrator _migrator = new(NullLogger<ShopSchemaMigrator>.Instance);
    SharedPoolSchemas Schemas => _schemas ??= new SharedPoolSchemas(_pools);
    SharedPoolSchemas? _schemas;

    public async Task ProvisionAsync(string companyName, string adminPasswordHash)
    {
        var names = new TenantNames(TenantIds.Generate(companyName));
        var password = Guid.NewGuid().ToString("N");
        await Schemas.CreateTenantAsync("default", names, password, CancellationToken.None);
        await using var tenantDb = TenantLogin.DataSource(poolConnectionString, names, password);
        await Task.Run(() => _migrator.Migrate(tenantDb, names.Schema));
        await ShopSeeder.SeedAsync(tenantDb, new ShopSeeder.Seed(companyName, "free", "owner@example.com", adminPasswordHash, 5), CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _pools.DisposeAsync();
}
