using MechanicBuddy.Provisioning.Routing.Nginx;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>The test nginx's route table as the tests look at it: a tenant's lines, and the cleanup of a fixture's hosts.</summary>
public static class EdgeRoutes
{
    static string BucketOf(string tenantId) => Path.Combine(TestEnvironment.NginxRoutes, NginxRouteTable.BucketOf(tenantId));

    public static bool Has(string tenantId) =>
        File.Exists(BucketOf(tenantId)) && NginxRouteTable.LinesOf(File.ReadAllText(BucketOf(tenantId)), tenantId).Count > 0;

    /// <summary>What the edge holds for the tenant, for a failure message.</summary>
    public static string Describe(string tenantId) =>
        Has(tenantId) ? string.Join('\n', NginxRouteTable.LinesOf(File.ReadAllText(BucketOf(tenantId)), tenantId)) : "absent";

    /// <summary>
    /// Removes every line of each tenant that has a host ending with <paramref name="domainSuffix"/> (its custom domain's
    /// lines too), each bucket under its lock: other fixtures write the same nginx.
    /// </summary>
    public static async Task RemoveTenantsUnderAsync(string domainSuffix)
    {
        if (!Directory.Exists(TestEnvironment.NginxRoutes))
        {
            return;
        }
        foreach (var path in Directory.EnumerateFiles(TestEnvironment.NginxRoutes, NginxRouteTable.BucketPattern))
        {
            using var held = await NginxRouteTable.LockAsync(path, TimeSpan.FromSeconds(30), CancellationToken.None);
            var bucket = await NginxRouteTable.ReadAsync(path, CancellationToken.None);
            var leaving = bucket.Split('\n').Where(l => NginxRouteTable.HostOf(l).EndsWith(domainSuffix, StringComparison.Ordinal))
                .Select(NginxRouteTable.TenantOf).OfType<string>().Distinct();
            var kept = leaving.Aggregate(bucket, (content, tenant) => NginxRouteTable.Replace(content, tenant, []));
            if (kept != bucket)
            {
                await NginxRouteTable.WriteAsync(path, kept, CancellationToken.None);
            }
        }
    }
}
