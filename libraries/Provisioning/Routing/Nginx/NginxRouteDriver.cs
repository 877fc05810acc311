using System.Net;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>The local edge: writes the tenant's map lines into nginx's routes directory, reloads, and waits until nginx serves them.</summary>
public sealed class NginxRouteDriver(IOptions<RoutingOptions> options, IOptions<ProvisioningOptions> provisioning, NginxReloader reloader, IHttpClientFactory httpClients)
    : ITenantRouteDriver
{
    public const string ProbeClient = "nginx-probe";

    NginxRoutingOptions Nginx => options.Value.Nginx;

    string PathOf(string tenantId) => Path.Combine(Path.GetFullPath(Nginx.RoutesDirectory), NginxRouteEntry.FileName(tenantId));

    public async Task EnsureRouteAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        var path = PathOf(route.TenantId);
        var pinned = route with
        {
            WebUpstream = await UpstreamAddresses.PinAsync(route.WebUpstream, cancellationToken),
            ApiUpstream = await UpstreamAddresses.PinAsync(route.ApiUpstream, cancellationToken),
        };
        var content = NginxRouteEntry.Render(pinned);
        var unchanged = File.Exists(path) && await File.ReadAllTextAsync(path, cancellationToken) == content;
        if (!unchanged)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
            await File.WriteAllTextAsync(temporary, content, cancellationToken);
            File.Move(temporary, path, overwrite: true);
            try
            {
                await reloader.ReloadAsync().WaitAsync(cancellationToken);
            }
            catch (NginxReloadException)
            {
                // Leave no file behind that would break every later reload.
                File.Delete(path);
                throw;
            }
        }
        await WaitForProbeAsync(route.Hostname, route.TenantId, NginxRouteEntry.ProbeBody(route.TenantId, route.Suspended), cancellationToken);
    }

    public async Task RemoveRouteAsync(string tenantId, CancellationToken cancellationToken)
    {
        var path = PathOf(tenantId);
        if (!File.Exists(path))
        {
            return;
        }
        var hostname = NginxRouteEntry.FirstHostname(await File.ReadAllTextAsync(path, cancellationToken));
        File.Delete(path);
        await reloader.ReloadAsync().WaitAsync(cancellationToken);
        if (hostname is not null)
        {
            // Old workers serve the old config for a moment: removal is done when nginx no longer answers for the host.
            await WaitForProbeAsync(hostname, tenantId, expected: null, cancellationToken);
        }
    }

    public Task<bool> RouteExistsAsync(string tenantId, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(tenantId)));

    /// <summary>Routes of this control plane: those whose first host is under Provisioning:BaseDomain (an nginx may serve others too).</summary>
    public async Task<IReadOnlyList<string>> ListRoutedTenantsAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(Nginx.RoutesDirectory);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var suffix = "." + provisioning.Value.BaseDomain;
        var tenants = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "tenant-*" + NginxRouteEntry.Extension))
        {
            var tenantId = Path.GetFileNameWithoutExtension(file)["tenant-".Length..];
            var hostname = NginxRouteEntry.FirstHostname(await File.ReadAllTextAsync(file, cancellationToken));
            if (TenantIds.IsValid(tenantId) && hostname?.EndsWith(suffix, StringComparison.Ordinal) == true)
            {
                tenants.Add(tenantId);
            }
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
