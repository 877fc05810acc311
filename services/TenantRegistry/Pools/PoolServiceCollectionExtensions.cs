namespace MechanicBuddy.TenantRegistry.Pools;

public static class PoolServiceCollectionExtensions
{
    /// <summary>The shared tier's pools as data: catalog, growth, preparation and the keeper (started by the registry's host).</summary>
    public static IServiceCollection AddSharedPools(this IServiceCollection services) => services
        .AddSingleton<PoolCatalog>()
        .AddSingleton<PoolPreparer>()
        .AddSingleton<PoolGrowth>()
        .AddSingleton<PoolKeeper>();
}
