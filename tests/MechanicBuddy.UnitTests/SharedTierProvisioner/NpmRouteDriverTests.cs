using System.Text.Json.Nodes;
using MechanicBuddy.SharedTierProvisioner.Extensions;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Routing.Npm;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace MechanicBuddy.UnitTests.SharedTierProvisioner;

/// <summary>The Nginx Proxy Manager driver, wired as the service wires it (Routing:Driver = npm), against a faithful fake of NPM's API.</summary>
public sealed class NpmRouteDriverTests : IAsyncLifetime
{
    FakeNginxProxyManager _npm = null!;
    ServiceProvider _services = null!;
    ITenantRouteDriver Driver => _services.GetRequiredService<ITenantRouteDriver>();
    static readonly TenantRoute Route = new("quick-fix-x7y8z9", "quick-fix-x7y8z9.mechanicbuddy.app",
        new Uri("http://web.mechanicbuddy-free-tier.svc.cluster.local:80"), new Uri("http://api.mechanicbuddy-free-tier.svc.cluster.local:8080"));

    public async Task InitializeAsync()
    {
        _npm = await FakeNginxProxyManager.StartAsync();
        _services = Build(FakeNginxProxyManager.Secret);
    }

    ServiceProvider Build(string secret)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Provisioning:BaseDomain"] = "mechanicbuddy.app",
            ["Routing:Driver"] = "npm",
            ["Routing:Npm:BaseUrl"] = _npm.Url.ToString(),
            ["Routing:Npm:Identity"] = FakeNginxProxyManager.Identity,
            ["Routing:Npm:Secret"] = secret,
            ["Routing:Npm:CertificateId"] = "7",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section));
        services.AddSharedTierProvisioning(configuration);
        return services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _npm.DisposeAsync();
    }

    [Fact]
    public async Task Configuration_picks_the_npm_driver()
    {
        Assert.IsType<NpmRouteDriver>(Driver);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_route_is_one_proxy_host_whose_locations_inject_the_tenant_id()
    {
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);

        var host = Assert.Single(_npm.Hosts.Values);
        Assert.Equal(["quick-fix-x7y8z9.mechanicbuddy.app"], host["domain_names"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(("web.mechanicbuddy-free-tier.svc.cluster.local", 80), (host["forward_host"]!.GetValue<string>(), host["forward_port"]!.GetValue<int>()));
        Assert.Equal((7, true), (host["certificate_id"]!.GetValue<int>(), host["ssl_forced"]!.GetValue<bool>()));
        var locations = host["locations"]!.AsArray().OfType<JsonObject>().ToDictionary(l => l["path"]!.GetValue<string>());
        Assert.Equal(["/", "/api"], locations.Keys.Order());
        Assert.Equal(8080, locations["/api"]["forward_port"]!.GetValue<int>());
        Assert.All(locations.Values, l => Assert.Equal("proxy_set_header X-Tenant-ID \"quick-fix-x7y8z9\";", l["advanced_config"]!.GetValue<string>()));
        Assert.True(await Driver.RouteExistsAsync(Route.TenantId, CancellationToken.None));
    }

    [Fact]
    public async Task Ensuring_twice_or_after_a_half_finished_create_updates_the_one_host()
    {
        // A previous attempt got as far as creating a host (say with a stale upstream) and then died.
        var stale = Route with { WebUpstream = new Uri("http://old-web:81") };
        await Driver.EnsureRouteAsync(stale, CancellationToken.None);

        await Driver.EnsureRouteAsync(Route, CancellationToken.None);
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);

        var host = Assert.Single(_npm.Hosts.Values);
        Assert.Equal("web.mechanicbuddy-free-tier.svc.cluster.local", host["forward_host"]!.GetValue<string>());
        Assert.Equal(2, _npm.Requests.Count(r => r.StartsWith("PUT /api/nginx/proxy-hosts/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Suspending_disables_the_host_and_resuming_enables_it_each_once()
    {
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);

        await Driver.EnsureRouteAsync(Route with { Suspended = true }, CancellationToken.None);
        await Driver.EnsureRouteAsync(Route with { Suspended = true }, CancellationToken.None);
        Assert.False(Assert.Single(_npm.Hosts.Values)["enabled"]!.GetValue<bool>());

        await Driver.EnsureRouteAsync(Route, CancellationToken.None);
        Assert.True(Assert.Single(_npm.Hosts.Values)["enabled"]!.GetValue<bool>());
        Assert.Equal(1, _npm.Requests.Count(r => r.EndsWith("/disable", StringComparison.Ordinal)));
        Assert.Equal(1, _npm.Requests.Count(r => r.EndsWith("/enable", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Removing_deletes_the_host_and_a_second_removal_is_no_error()
    {
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);

        await Driver.RemoveRouteAsync(Route.TenantId, CancellationToken.None);
        await Driver.RemoveRouteAsync(Route.TenantId, CancellationToken.None);

        Assert.Empty(_npm.Hosts);
        Assert.False(await Driver.RouteExistsAsync(Route.TenantId, CancellationToken.None));
    }

    [Fact]
    public async Task A_revoked_token_means_one_new_login_not_a_failure()
    {
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);
        Assert.Equal(1, _npm.Logins);
        _npm.RevokeAllTokens();

        await Driver.RemoveRouteAsync(Route.TenantId, CancellationToken.None);

        Assert.Equal(2, _npm.Logins);
        Assert.Empty(_npm.Hosts);
    }

    [Fact]
    public async Task Wrong_credentials_fail_clearly()
    {
        await using var wrong = Build("not-the-secret");

        var error = await Assert.ThrowsAsync<ApiException>(() => wrong.GetRequiredService<ITenantRouteDriver>().EnsureRouteAsync(Route, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("Invalid email or password", error.Content, StringComparison.Ordinal);
        Assert.Empty(_npm.Hosts);
    }
}
