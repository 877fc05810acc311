using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Routing.Nginx;

namespace MechanicBuddy.UnitTests.Provisioning.Routing;

public sealed class NginxRouteEntryTests
{
    static readonly Uri Backend = new("http://127.0.0.1:5080");

    [Fact]
    public void Every_host_maps_to_the_tenant_its_state_and_its_api_and_web_upstreams()
    {
        var route = new TenantRoute("quick-fix-x7y8z9", "quick-fix-x7y8z9.mechanicbuddy.app", Backend, new Uri("http://10.0.0.5:8080")) { AliasHostnames = ["shop.example.com"] };

        var entry = NginxRouteEntry.Render(route);

        Assert.Contains("\nquick-fix-x7y8z9.mechanicbuddy.app \"quick-fix-x7y8z9 active http://10.0.0.5:8080 http://127.0.0.1:5080\";\n", entry, StringComparison.Ordinal);
        Assert.Contains("\nshop.example.com \"quick-fix-x7y8z9 active http://10.0.0.5:8080 http://127.0.0.1:5080\";\n", entry, StringComparison.Ordinal);
        Assert.Equal("quick-fix-x7y8z9.mechanicbuddy.app", NginxRouteEntry.FirstHostname(entry));
    }

    [Fact]
    public void A_suspended_route_keeps_its_hosts_and_says_so()
    {
        var route = new TenantRoute("quick-fix-x7y8z9", "quick-fix-x7y8z9.mechanicbuddy.app", Backend, Backend) { Suspended = true };

        Assert.Contains(" \"quick-fix-x7y8z9 suspended ", NginxRouteEntry.Render(route), StringComparison.Ordinal);
        Assert.Equal("quick-fix-x7y8z9 suspended", NginxRouteEntry.ProbeBody("quick-fix-x7y8z9", suspended: true));
    }

    [Theory]
    [InlineData("evil.example; include /etc/passwd")]
    [InlineData("evil.example \"x")]
    [InlineData("evil example")]
    [InlineData("EVIL.example")]
    [InlineData("-evil.example")]
    [InlineData("default")]
    [InlineData("include")]
    [InlineData("")]
    public void Host_names_that_could_add_entries_or_keywords_are_refused(string hostname)
    {
        Assert.Throws<ArgumentException>(() => NginxRouteEntry.Render(new TenantRoute("quick-fix-x7y8z9", hostname, Backend, Backend)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/admin")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("http://user:pw@127.0.0.1")]
    [InlineData("http://web.free")]
    public void Upstreams_must_be_plain_origins_named_by_address(string upstream)
    {
        Assert.Throws<ArgumentException>(() => NginxRouteEntry.Render(new TenantRoute("quick-fix-x7y8z9", "q.mechanicbuddy.app", new Uri(upstream), Backend)));
    }

    [Fact]
    public async Task The_driver_pins_a_named_upstream_to_its_address_and_keeps_its_port()
    {
        var pinned = await UpstreamAddresses.PinAsync(new Uri("http://localhost:5080"), CancellationToken.None);

        Assert.Equal("127.0.0.1", pinned.Host);
        Assert.Equal(5080, pinned.Port);
        Assert.Same(Backend, await UpstreamAddresses.PinAsync(Backend, CancellationToken.None));
    }

    [Fact]
    public void An_invalid_tenant_id_never_reaches_the_config()
    {
        Assert.Throws<ArgumentException>(() => NginxRouteEntry.Render(new TenantRoute("x\"; return 200 \"", "q.mechanicbuddy.app", Backend, Backend)));
        Assert.Throws<ArgumentException>(() => NginxRouteEntry.FileName("../../etc/nginx"));
    }
}
