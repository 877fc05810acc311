using System.Text.Json.Nodes;
using MechanicBuddy.SharedTierProvisioner.Extensions;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Routing.Npm;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace MechanicBuddy.UnitTests.Provisioning.Routing;

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

    ServiceProvider Build(string secret, string identity = FakeNginxProxyManager.Identity)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Provisioning:BaseDomain"] = "mechanicbuddy.app",
            ["Routing:Driver"] = "npm",
            ["Routing:Npm:BaseUrl"] = _npm.Url.ToString(),
            ["Routing:Npm:Identity"] = identity,
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

    /// <summary>NPM 2.13+ answers an expired token 400 and a token whose signature no longer verifies 500, not 401.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_expired_or_no_longer_valid_token_means_one_new_login_not_a_failure(bool signingKeyChanged)
    {
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);
        Assert.Equal(1, _npm.Logins);
        if (signingKeyChanged)
        {
            _npm.RotateSigningKey();
        }
        else
        {
            _npm.ExpireAllTokens();
        }

        await Driver.RemoveRouteAsync(Route.TenantId, CancellationToken.None);

        Assert.Equal(2, _npm.Logins);
        Assert.Empty(_npm.Hosts);
    }

    /// <summary>
    /// NPM's domain check covers redirection and 404 hosts as well: such a host is named, nothing is created, and the 400
    /// is not taken for an expired token (no second login).
    /// </summary>
    [Fact]
    public async Task A_hostname_held_by_a_redirection_or_404_host_fails_clearly_and_creates_nothing()
    {
        _npm.RedirectionAndDeadHostDomains.Add(Route.Hostname);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Driver.EnsureRouteAsync(Route, CancellationToken.None));

        Assert.Contains($"{Route.Hostname} is already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("redirection or 404 host", error.Message, StringComparison.Ordinal);
        Assert.Empty(_npm.Hosts);
        Assert.Equal(1, _npm.Logins);
    }

    /// <summary>NPM saves the host and answers 201 even when nginx rejects its config; only meta says so.</summary>
    [Fact]
    public async Task A_host_nginx_rejects_is_a_failure_with_nginxs_error_not_a_route()
    {
        _npm.UnresolvableUpstreams.Add(Route.ApiUpstream.Host);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Driver.EnsureRouteAsync(Route, CancellationToken.None));

        Assert.Contains("host not found in upstream", error.Message, StringComparison.Ordinal);
        Assert.Contains(Route.Hostname, error.Message, StringComparison.Ordinal);
        // Once the upstream resolves, a retry updates the same host and succeeds.
        _npm.UnresolvableUpstreams.Clear();
        await Driver.EnsureRouteAsync(Route, CancellationToken.None);
        var host = Assert.Single(_npm.Hosts.Values);
        Assert.True(host["meta"]!["nginx_online"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_account_with_two_factor_login_fails_clearly_without_calling_the_api()
    {
        await using var twoFactor = Build(FakeNginxProxyManager.Secret, FakeNginxProxyManager.TwoFactorIdentity);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => twoFactor.GetRequiredService<ITenantRouteDriver>().EnsureRouteAsync(Route, CancellationToken.None));

        Assert.Contains("two-factor", error.Message, StringComparison.Ordinal);
        Assert.Contains("Routing:Npm:Identity", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_npm.Requests, r => r.Contains("/api/nginx/", StringComparison.Ordinal));
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
