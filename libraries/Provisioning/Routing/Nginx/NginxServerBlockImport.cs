using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>
/// Upgrades routes written by earlier releases, one server block per tenant (routes/tenant-ID.conf), into the edge's
/// map lines when a worker starts: the edge no longer includes those files, so without this every tenant routed
/// before the upgrade would go dark. Safe to run by several workers at once and again (the bucket lock, and a file
/// already imported is gone); a file it cannot read is left where it is and named in the log.
/// </summary>
public sealed class NginxServerBlockImport(IOptions<RoutingOptions> options, NginxReloader reloader, ILogger<NginxServerBlockImport> logger) : IHostedService
{
    /// <summary>Where a suspended tenant's line points: nowhere it could reach, as a suspended line proxies nothing.</summary>
    static readonly Uri Nowhere = new("http://127.0.0.1:9");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var nginx = options.Value.Nginx;
        var directory = Path.GetFullPath(nginx.RoutesDirectory);
        if (options.Value.Driver != "nginx" || !Directory.Exists(directory))
        {
            return;
        }
        var imported = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "tenant-*.conf"))
        {
            if (await ImportAsync(directory, file, TimeSpan.FromSeconds(nginx.VerifyTimeoutSeconds * 3), cancellationToken))
            {
                imported++;
            }
        }
        if (imported > 0)
        {
            await reloader.ReloadAsync().WaitAsync(cancellationToken);
            logger.LogWarning("Imported {Count} route(s) written as server blocks by an earlier release into the edge's map", imported);
        }
    }

    async Task<bool> ImportAsync(string directory, string file, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        string block;
        try
        {
            block = await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return false; // another worker imported it
        }
        var route = Parse(Path.GetFileNameWithoutExtension(file)["tenant-".Length..], block);
        if (route is null)
        {
            logger.LogError("Route file {File} is not a MechanicBuddy server block; left as it is (the edge does not read it)", file);
            return false;
        }
        IReadOnlyList<string> lines;
        try
        {
            lines = NginxRouteEntry.Render(route with
            {
                WebUpstream = await UpstreamAddresses.PinAsync(route.WebUpstream, cancellationToken),
                ApiUpstream = await UpstreamAddresses.PinAsync(route.ApiUpstream, cancellationToken),
            });
        }
        catch (ArgumentException ex)
        {
            logger.LogError("Route file {File} cannot be imported ({Reason}); left as it is (the edge does not read it)", file, ex.Message);
            return false;
        }
        var path = Path.Combine(directory, NginxRouteTable.BucketOf(route.TenantId));
        using (await NginxRouteTable.LockAsync(path, lockTimeout, cancellationToken))
        {
            var bucket = await NginxRouteTable.ReadAsync(path, cancellationToken);
            // A line written since the upgrade is newer than the old block: it stays.
            if (NginxRouteTable.LinesOf(bucket, route.TenantId).Count == 0)
            {
                await NginxRouteTable.WriteAsync(path, NginxRouteTable.Replace(bucket, route.TenantId, lines), cancellationToken);
            }
        }
        File.Delete(file);
        return true;
    }

    /// <summary>The route an earlier release's block served: its hosts, its /api/ and / upstreams, whether it answered 503.</summary>
    public static TenantRoute? Parse(string tenantId, string block)
    {
        var lines = block.Split('\n').Select(l => l.Trim()).ToList();
        var hosts = lines.FirstOrDefault(l => l.StartsWith("server_name ", StringComparison.Ordinal))?["server_name ".Length..].TrimEnd(';')
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!TenantIds.IsValid(tenantId) || hosts is not { Length: > 0 })
        {
            return null;
        }
        var suspended = lines.Any(l => l.StartsWith("return 503", StringComparison.Ordinal));
        Uri? Upstream(string location)
        {
            var at = lines.IndexOf($"location {location} {{");
            var pass = at < 0 ? null : lines.Skip(at + 1).FirstOrDefault(l => l.StartsWith("proxy_pass ", StringComparison.Ordinal));
            return pass is not null && Uri.TryCreate(pass["proxy_pass ".Length..].TrimEnd(';'), UriKind.Absolute, out var uri) ? uri : null;
        }
        var api = Upstream("/api/") ?? (suspended ? Nowhere : null);
        var web = Upstream("/") ?? (suspended ? Nowhere : null);
        if (api is null || web is null)
        {
            return null;
        }
        return new TenantRoute(tenantId, hosts[0], web, api) { AliasHostnames = hosts[1..], Suspended = suspended };
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
