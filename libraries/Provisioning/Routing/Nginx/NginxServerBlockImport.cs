using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>
/// Upgrades routes written by earlier releases, one server block per tenant (routes/tenant-ID.conf), into the edge's
/// map lines when a worker starts: the edge no longer includes those files, so without this every tenant routed
/// before the upgrade would go dark. Safe to run by several workers at once and again (the bucket lock, and a file
/// already imported is gone once nginx took it); a file it cannot read is set aside (.rejected) and named in the log;
/// if nginx refuses what was imported, every bucket goes back and the files stay.
/// </summary>
public sealed class NginxServerBlockImport(IOptions<RoutingOptions> options, NginxReloader reloader, ILogger<NginxServerBlockImport> logger) : IHostedService
{
    /// <summary>Where a suspended tenant's line points: nowhere it could reach, as a suspended line proxies nothing.</summary>
    static readonly Uri Nowhere = new("http://127.0.0.1:9");

    public const string RejectedSuffix = ".rejected";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var nginx = options.Value.Nginx;
        var directory = Path.GetFullPath(nginx.RoutesDirectory);
        if (options.Value.Driver != "nginx" || !Directory.Exists(directory))
        {
            return;
        }
        var lockTimeout = nginx.BucketLockTimeout;
        var imported = new List<(string File, string Bucket, string Before)>();
        foreach (var file in Directory.EnumerateFiles(directory, "tenant-*.conf"))
        {
            if (await ImportAsync(directory, file, lockTimeout, cancellationToken) is { } done)
            {
                imported.Add(done);
            }
        }
        if (imported.Count == 0)
        {
            return;
        }
        try
        {
            await reloader.ReloadAsync().WaitAsync(cancellationToken);
        }
        catch (NginxReloadException refused)
        {
            // nginx refused the imported lines (two old blocks claiming one host, say): every bucket goes back, the old
            // files stay for an operator, and the edge keeps serving what it served.
            foreach (var (_, bucket, before) in Enumerable.Reverse(imported))
            {
                using (await NginxRouteTable.LockAsync(bucket, lockTimeout, CancellationToken.None))
                {
                    await NginxRouteTable.WriteAsync(bucket, before, CancellationToken.None);
                }
            }
            logger.LogError("nginx refused the {Count} route(s) imported from server blocks ({Reason}); they are left in {Directory} and not served",
                imported.Count, refused.Message, directory);
            return;
        }
        // Only once nginx serves the imported lines do the old files go.
        foreach (var (file, _, _) in imported)
        {
            File.Delete(file);
        }
        logger.LogWarning("Imported {Count} route(s) written as server blocks by an earlier release into the edge's map", imported.Count);
    }

    /// <summary>Removes a tenant's old block, if one is left (its route is being removed); call with the bucket's lock held.</summary>
    public static void Discard(string directory, string tenantId)
    {
        File.Delete(Path.Combine(directory, $"tenant-{TenantIds.Require(tenantId)}.conf"));
    }

    /// <summary>The import of one file: the bucket it wrote and the bucket's content before, or null (nothing to import, or set aside).</summary>
    async Task<(string File, string Bucket, string Before)?> ImportAsync(string directory, string file, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        string block;
        try
        {
            block = await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null; // another worker imported it, or the tenant's route was removed
        }
        var route = Parse(Path.GetFileNameWithoutExtension(file)["tenant-".Length..], block);
        IReadOnlyList<string>? lines = null;
        string? reason = route is null ? "not a MechanicBuddy server block" : null;
        if (route is not null)
        {
            try
            {
                lines = NginxRouteEntry.Render(await UpstreamAddresses.PinAsync(route, cancellationToken));
            }
            catch (ArgumentException ex)
            {
                reason = ex.Message;
            }
        }
        if (route is null || lines is null)
        {
            // Set aside, not tried again at every start: a block imported much later could bring back a route removed meanwhile.
            File.Move(file, file + RejectedSuffix, overwrite: true);
            logger.LogError("Route file {File} cannot be imported ({Reason}); set aside as {Rejected}, not served", file, reason, file + RejectedSuffix);
            return null;
        }
        var bucket = Path.Combine(directory, NginxRouteTable.BucketOf(route.TenantId));
        using (await NginxRouteTable.LockAsync(bucket, lockTimeout, cancellationToken))
        {
            // Removed meanwhile (a removal discards the old file under this lock): nothing to bring back.
            if (!File.Exists(file))
            {
                return null;
            }
            var before = await NginxRouteTable.ReadAsync(bucket, cancellationToken);
            // A line written since the upgrade is newer than the old block: it stays.
            if (NginxRouteTable.LinesOf(before, route.TenantId).Count == 0)
            {
                await NginxRouteTable.WriteAsync(bucket, NginxRouteTable.Replace(before, route.TenantId, lines), cancellationToken);
            }
            return (file, bucket, before);
        }
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
