using System.Net;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;
using Refit;

namespace MechanicBuddy.Provisioning.Routing.Npm;

/// <summary>
/// Routes through Nginx Proxy Manager. X-Tenant-ID is set in custom locations for "/" and "/api" because NPM ignores
/// proxy_set_header in a host's own advanced_config. Hosts are found by domain before any create, so a retry after a
/// half-finished call updates instead of failing with "already in use".
/// </summary>
public sealed class NpmRouteDriver(INginxProxyManagerApi api, IOptions<RoutingOptions> routing, IOptions<ProvisioningOptions> provisioning)
    : ITenantRouteDriver
{
    readonly SemaphoreSlim _login = new(1, 1);
    NpmToken? _token;

    public async Task EnsureRouteAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        var request = BuildRequest(route);
        await WithTokenAsync(async token =>
        {
            NpmProxyHost host;
            var existing = await FindAsync(token, route.Hostname, cancellationToken);
            if (existing is not null)
            {
                host = await api.UpdateProxyHostAsync(token, existing.Id, request, cancellationToken);
            }
            else
            {
                try
                {
                    host = await api.CreateProxyHostAsync(token, request, cancellationToken);
                }
                catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && (ex.Content ?? "").Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    // Another attempt created it between our lookup and create; or no proxy host has it, and NPM's check
                    // (which covers redirection and 404 hosts too) found one of those.
                    var raced = await FindAsync(token, route.Hostname, cancellationToken) ?? throw new InvalidOperationException(
                        $"{DescribeError(ex)}; no proxy host has it, so a redirection or 404 host in Nginx Proxy Manager does: remove it there first");
                    host = await api.UpdateProxyHostAsync(token, raced.Id, request, cancellationToken);
                }
            }
            RequireNginxTookIt(host, route);
            await SetEnabledAsync(token, host, enabled: !route.Suspended, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// NPM answers 201/200 for a host it saved even when nginx rejected the config it wrote (and so serves nothing for
    /// it); only meta.nginx_online says so. Such a host is a failed step, with nginx's own error; a retry updates it.
    /// </summary>
    static void RequireNginxTookIt(NpmProxyHost host, TenantRoute route)
    {
        if (host.Meta?.NginxOnline == false)
        {
            throw new InvalidOperationException(
                $"Nginx Proxy Manager saved proxy host {host.Id} for {route.Hostname}, but nginx rejected its config: {host.Meta.NginxError?.Trim()}");
        }
    }

    /// <summary>A suspended tenant's host is disabled in NPM (NPM then answers for it no more); resuming enables it again.</summary>
    async Task SetEnabledAsync(string token, NpmProxyHost host, bool enabled, CancellationToken cancellationToken)
    {
        if (host.Enabled == enabled)
        {
            return;
        }
        try
        {
            _ = enabled
                ? await api.EnableProxyHostAsync(token, host.Id, cancellationToken)
                : await api.DisableProxyHostAsync(token, host.Id, cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && (ex.Content ?? "").Contains("already", StringComparison.OrdinalIgnoreCase))
        {
            // Another attempt got there first: the host is as wanted.
        }
    }

    public Task RemoveRouteAsync(string tenantId, CancellationToken cancellationToken) =>
        WithTokenAsync(async token =>
        {
            var host = await FindAsync(token, HostnameOf(tenantId), cancellationToken);
            if (host is null)
            {
                return;
            }
            try
            {
                await api.DeleteProxyHostAsync(token, host.Id, cancellationToken);
            }
            catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone: removal is idempotent.
            }
        }, cancellationToken);

    public async Task<bool> RouteExistsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var found = false;
        await WithTokenAsync(async token => found = await FindAsync(token, HostnameOf(tenantId), cancellationToken) is not null, cancellationToken);
        return found;
    }

    public async Task<IReadOnlyList<string>> ListRoutedTenantsAsync(CancellationToken cancellationToken)
    {
        var suffix = "." + provisioning.Value.BaseDomain;
        IReadOnlyList<string> tenants = [];
        await WithTokenAsync(async token =>
        {
            var hosts = await api.ListProxyHostsAsync(token, cancellationToken);
            tenants = hosts.SelectMany(h => h.DomainNames)
                .Where(d => d.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                .Select(d => d[..^suffix.Length].ToLowerInvariant())
                .Where(TenantIds.IsValid)
                .Distinct()
                .ToList();
        }, cancellationToken);
        return tenants;
    }

    string HostnameOf(string tenantId) => new TenantNames(tenantId).Hostname(provisioning.Value.BaseDomain);

    NpmProxyHostRequest BuildRequest(TenantRoute route)
    {
        var header = $"proxy_set_header X-Tenant-ID \"{TenantIds.Require(route.TenantId)}\";";
        NpmLocation Location(string path, Uri upstream) => new()
        {
            Path = path, ForwardScheme = upstream.Scheme, ForwardHost = upstream.Host, ForwardPort = upstream.Port, AdvancedConfig = header,
        };
        var certificate = routing.Value.Npm.CertificateId;
        return new NpmProxyHostRequest
        {
            DomainNames = [.. route.AllHostnames],
            ForwardScheme = route.WebUpstream.Scheme,
            ForwardHost = route.WebUpstream.Host,
            ForwardPort = route.WebUpstream.Port,
            CertificateId = certificate ?? 0,
            SslForced = certificate is not null,
            Http2Support = certificate is not null,
            Locations = [Location("/api", route.ApiUpstream), Location("/", route.WebUpstream)],
        };
    }

    async Task<NpmProxyHost?> FindAsync(string token, string hostname, CancellationToken cancellationToken)
    {
        var hosts = await api.ListProxyHostsAsync(token, cancellationToken);
        return hosts.FirstOrDefault(h => h.DomainNames.Contains(hostname, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Runs the call with a cached token; a token NPM no longer takes logs in again once.</summary>
    async Task WithTokenAsync(Func<string, Task> call, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(forceRefresh: false, cancellationToken);
        try
        {
            await call(token);
        }
        catch (ApiException ex) when (IsTokenRefused(ex))
        {
            await call(await TokenAsync(forceRefresh: true, cancellationToken));
        }
    }

    /// <summary>
    /// 401 (no or revoked token), and since NPM 2.13 also 400 "jwt expired" and 500 "invalid signature" (its signing key
    /// changed): told apart from a validation 400 or a server fault by the token library's words in the message.
    /// </summary>
    static bool IsTokenRefused(ApiException ex) => ex.StatusCode switch
    {
        HttpStatusCode.Unauthorized => true,
        HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError =>
            ex.Content is { } body && TokenErrorWords.Any(word => body.Contains(word, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    static readonly string[] TokenErrorWords = ["jwt", "token", "signature"];

    async Task<string> TokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        await _login.WaitAsync(cancellationToken);
        try
        {
            if (forceRefresh || _token is null || _token.Expires < DateTimeOffset.UtcNow.AddMinutes(5))
            {
                var npm = routing.Value.Npm;
                var login = await api.CreateTokenAsync(new NpmTokenRequest(npm.Identity, npm.Secret), cancellationToken);
                if (login.RequiresTwoFactor || string.IsNullOrEmpty(login.Token))
                {
                    throw new InvalidOperationException(
                        $"Nginx Proxy Manager account {npm.Identity} has two-factor login, which a service cannot answer: give Routing:Npm:Identity a service account without it");
                }
                _token = login;
            }
            return _token.Token!;
        }
        finally
        {
            _login.Release();
        }
    }

    static string DescribeError(ApiException ex) => $"Nginx Proxy Manager answered {(int)ex.StatusCode}: {ex.Content}";
}
