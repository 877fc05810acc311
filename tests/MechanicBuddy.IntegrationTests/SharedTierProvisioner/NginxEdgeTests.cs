using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Routing.Nginx;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace MechanicBuddy.IntegrationTests.SharedTierProvisioner;

/// <summary>The edge map against the real nginx: the API and Web upstreams of each host, names pinned, and a host two tenants claim.</summary>
[Collection(SharedPoolCollection.Name)]
public sealed class NginxEdgeTests(SharedPoolFixture fixture)
{
    static readonly HttpClient Edge = new() { Timeout = TimeSpan.FromSeconds(5) };

    static string Host(string tenantId) => $"{tenantId}.{SharedPoolFixture.BaseDomain}";

    [Fact]
    public async Task Api_and_web_paths_reach_their_own_upstreams_by_name_with_the_tenant_header_forced()
    {
        await using var web = await EchoBackend.StartAsync("web");
        var routes = fixture.Services().GetRequiredService<ITenantRouteDriver>();
        var tenantId = TenantIds.Generate("Edge Split");
        // The API upstream is named, not addressed: the driver pins it, since the edge reads upstreams from a variable.
        var route = new TenantRoute(tenantId, Host(tenantId), web.Url, new Uri($"http://localhost:{fixture.Echo.Port}"));

        await routes.EnsureRouteAsync(route, CancellationToken.None);
        try
        {
            var api = await GetEchoAsync(Host(tenantId), "/api/work-orders");
            var page = await GetEchoAsync(Host(tenantId), "/work-orders");

            Assert.Equal(("shared", "/api/work-orders", tenantId), (api.Backend, api.Path, Assert.Single(api.TenantIds)));
            Assert.Equal(("web", "/work-orders", tenantId), (page.Backend, page.Path, Assert.Single(page.TenantIds)));
            Assert.Equal(Host(tenantId), page.Host);
            Assert.Contains(tenantId, await routes.ListRoutedTenantsAsync(CancellationToken.None));
        }
        finally
        {
            await routes.RemoveRouteAsync(tenantId, CancellationToken.None);
        }
        using var gone = await Edge.SendAsync(EdgeRequest.Get(Host(tenantId), "/api/work-orders"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_host_another_tenant_already_serves_is_refused_and_the_first_tenant_keeps_it()
    {
        var routes = fixture.Services().GetRequiredService<ITenantRouteDriver>();
        var first = TenantIds.Generate("Edge First");
        var second = TenantIds.Generate("Edge Second");
        await routes.EnsureRouteAsync(new TenantRoute(first, Host(first), fixture.Echo.Url, fixture.Echo.Url), CancellationToken.None);
        try
        {
            var claim = new TenantRoute(second, Host(second), fixture.Echo.Url, fixture.Echo.Url) { AliasHostnames = [Host(first)] };

            var refused = await Assert.ThrowsAsync<NginxReloadException>(() => routes.EnsureRouteAsync(claim, CancellationToken.None));

            Assert.Contains(Host(first), refused.Message, StringComparison.Ordinal);
            Assert.False(await routes.RouteExistsAsync(second, CancellationToken.None));
            var served = await GetEchoAsync(Host(first), "/api/x");
            Assert.Equal(first, Assert.Single(served.TenantIds));
        }
        finally
        {
            await routes.RemoveRouteAsync(first, CancellationToken.None);
            await routes.RemoveRouteAsync(second, CancellationToken.None);
        }
    }

    static async Task<EchoResponse> GetEchoAsync(string host, string path)
    {
        using var request = EdgeRequest.Get(host, path);
        request.Headers.Add("X-Tenant-ID", "someone-else-123456");
        using var response = await Edge.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
    }
}
