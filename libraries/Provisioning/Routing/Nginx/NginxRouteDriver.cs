using System.Net;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>The local edge: writes the tenant's map lines into its bucket file, reloads, and waits until nginx serves them.</summary>
public sealed class NginxRouteDriver(IOptions<RoutingOptions> options, IOptions<ProvisioningOptions> provisioning, NginxReloader reloader, IHttpClientFactory httpClients)
    : ITenantRouteDriver
{
    public const string ProbeClient = "nginx-probe";

    NginxRoutingOptions Nginx => options.Value.Nginx;

    string Directory => Path.GetFullPath(Nginx.RoutesDirectory);

    string BucketOf(string tenantId) => Path.Combine(Directory, NginxRouteTable.BucketOf(tenantId));

    public async Task EnsureRouteAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        var lines = NginxRouteEntry.Render(await UpstreamAddresses.PinAsync(route, cancellationToken));
        await ChangeBucketAsync(route.TenantId, lines, cancellationToken);
        await WaitForProbeAsync(route.Hostname, route.TenantId, NginxRouteEntry.ProbeBody(route.TenantId, route.Suspended), cancellationToken);
    }

    public async Task RemoveRouteAsync(string tenantId, CancellationToken cancellationToken)
    {
        var removed = await ChangeBucketAsync(tenantId, [], cancellationToken);
        if (removed.FirstOrDefault() is { } line)
        {
            // Old workers serve the old config for a moment: removal is done when nginx no longer answers for the host.
            await WaitForProbeAsync(NginxRouteTable.HostOf(line), tenantId, expected: null, cancellationToken);
        }
    }

    /// <summary>
    /// Replaces the tenant's lines in its bucket and reloads, holding the bucket's lock until nginx took it (or, when
    /// the reload failed for any reason, the bucket is put back as it was, so no line breaks every later reload).
    /// Returns the lines the tenant had before.
    /// </summary>
    async Task<IReadOnlyList<string>> ChangeBucketAsync(string tenantId, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        var path = BucketOf(tenantId);
        using var held = await NginxRouteTable.LockAsync(path, Nginx.BucketLockTimeout, cancellationToken);
        if (lines.Count == 0)
        {
            // A block an earlier release wrote and no start imported yet must not come back later as a live route
            // (under the bucket's lock, which the import takes too).
            NginxServerBlockImport.Discard(Directory, tenantId);
        }
        var before = await NginxRouteTable.ReadAsync(path, cancellationToken);
        var previous = NginxRouteTable.LinesOf(before, tenantId);
        if (previous.SequenceEqual(lines))
        {
            return previous;
        }
        await NginxRouteTable.WriteAsync(path, NginxRouteTable.Replace(before, tenantId, lines), cancellationToken);
        try
        {
            await reloader.ReloadAsync().WaitAsync(cancellationToken);
        }
        catch (Exception failed)
        {
            // Whatever stopped it (nginx refused the map, a timeout, a shutdown), the bucket goes back to what it was, and
            // nginx is reloaded once more so what it serves matches the file again even if the failed reload did land.
            await NginxRouteTable.WriteAsync(path, before, CancellationToken.None);
            try
            {
                await reloader.ReloadAsync().WaitAsync(TimeSpan.FromSeconds(Nginx.VerifyTimeoutSeconds * 2), CancellationToken.None);
            }
            catch (Exception again) when (again is NginxReloadException or TimeoutException)
            {
                // The edge is refusing reloads for another reason; the original failure is what the caller hears of.
            }
            if (failed is NginxReloadException or OperationCanceledException)
            {
                throw;
            }
            throw new NginxReloadException($"the route change was not taken ({failed.Message}); the bucket is as it was");
        }
        return previous;
    }

    public async Task<bool> RouteExistsAsync(string tenantId, CancellationToken cancellationToken) =>
        NginxRouteTable.LinesOf(await NginxRouteTable.ReadAsync(BucketOf(tenantId), cancellationToken), tenantId).Count > 0;

    /// <summary>Routes of this control plane: those whose first host is under Provisioning:BaseDomain (an nginx may serve others too).</summary>
    public async Task<IReadOnlyList<string>> ListRoutedTenantsAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        var suffix = "." + provisioning.Value.BaseDomain;
        var tenants = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, NginxRouteTable.BucketPattern))
        {
            var firstHosts = (await File.ReadAllLinesAsync(file, cancellationToken))
                .Select(l => (Tenant: NginxRouteTable.TenantOf(l), Host: NginxRouteTable.HostOf(l)))
                .Where(l => l.Tenant is not null && TenantIds.IsValid(l.Tenant))
                .GroupBy(l => l.Tenant!, l => l.Host);
            tenants.AddRange(firstHosts.Where(g => g.First().EndsWith(suffix, StringComparison.Ordinal)).Select(g => g.Key));
        }
        return tenants;
    }

    /// <summary>
    /// Waits until nginx answers the probe with <paramref name="expected"/> (null: until it no longer serves the tenant at
    /// all). Once the reloader has seen the old workers stop accepting, a fresh connection reaches the new configuration.
    /// </summary>
    async Task WaitForProbeAsync(string hostname, string tenantId, string? expected, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(ProbeClient);
        var deadline = DateTime.UtcNow.AddSeconds(Nginx.VerifyTimeoutSeconds);
        var uri = new Uri($"http://{Nginx.ListenAddress}:{Nginx.ListenPort}{NginxRouteEntry.ProbePath}");
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Host = hostname;
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await client.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var served = response.StatusCode == HttpStatusCode.OK
                    && (body == NginxRouteEntry.ProbeBody(tenantId, suspended: false) || body == NginxRouteEntry.ProbeBody(tenantId, suspended: true));
                if (expected is null ? !served : served && body == expected)
                {
                    return;
                }
                last = $"{(int)response.StatusCode} {body.Trim()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(15, cancellationToken);
        }
        throw new TimeoutException(expected is not null
            ? $"nginx did not serve the route for {hostname} within {Nginx.VerifyTimeoutSeconds}s (last: {last})"
            : $"nginx still served the route for {hostname} {Nginx.VerifyTimeoutSeconds}s after its removal");
    }
}
