using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.Security;

/// <summary>
/// Shared pools with tenants in them as the shared worker makes them (role through the pool's functions, schema,
/// migrations and sample data as the tenant), and the tenant's own login for the attacks.
/// </summary>
public sealed class HostileTenantDatabase : IAsyncDisposable
{
    readonly List<TestDatabase> _pools = [];
    readonly List<string> _roles = [];

    public IOptions<ProvisioningOptions> Options { get; private set; } = null!;

    public static async Task<HostileTenantDatabase> CreateAsync(int pools = 1)
    {
        var fixture = new HostileTenantDatabase();
        for (var i = 0; i < pools; i++)
        {
            fixture._pools.Add(await TestDatabase.CreatePoolAsync("mbt_hostile"));
        }
        fixture.Options = Microsoft.Extensions.Options.Options.Create(new ProvisioningOptions
        {
            FreeTier = new FreeTierOptions
            {
                Pools = fixture._pools.Select((p, i) => new SharedPoolOptions { Name = PoolName(i), PostgresConnectionString = p.ConnectionString, MaxTenantsPerInstance = 10 }).ToList(),
            },
        });
        return fixture;
    }

    public static string PoolName(int index) => $"pool-{index}";

    public TestDatabase Pool(int index = 0) => _pools[index];

    /// <summary>A tenant in the pool with its shop schema and some data; returns its names and password.</summary>
    public async Task<(TenantNames Names, string Password)> TenantAsync(string companyName, int pool = 0, string? tenantId = null)
    {
        var names = new TenantNames(tenantId ?? TenantIds.Generate(companyName));
        var password = "hostile-" + Guid.NewGuid().ToString("N");
        await using (var pools = new SharedPools(Options))
        {
            await new SharedPoolSchemas(pools, Options, NullLogger<SharedPoolSchemas>.Instance).CreateTenantAsync(PoolName(pool), names, password, CancellationToken.None);
        }
        _roles.Add(names.Role);
        await using var tenant = Login(names, password, pool);
        new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).Migrate(tenant, names.Schema);
        await using var fill = tenant.CreateCommand(ShopSampleData.InsertSql(40));
        await fill.ExecuteNonQueryAsync();
        return (names, password);
    }

    /// <summary>The tenant's own login, as its shop app (or an attacker holding the shop's credentials) has it.</summary>
    public NpgsqlDataSource Login(TenantNames names, string password, int pool = 0) =>
        TenantLogin.DataSource(_pools[pool].ConnectionString, names, password);

    public static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools)
        {
            await pool.DisposeAsync();
        }
        await using var server = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("postgres"));
        await server.OpenAsync();
        foreach (var role in _roles)
        {
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {role}; DROP ROLE IF EXISTS {role[..^"_app".Length]}_mv; DROP ROLE IF EXISTS {role[..^"_app".Length]}_ro", server);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
