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

        var lines = NginxRouteEntry.Render(route);

        Assert.Equal(
            [
                "quick-fix-x7y8z9.mechanicbuddy.app \"quick-fix-x7y8z9 active http://10.0.0.5:8080 http://127.0.0.1:5080\";",
                "shop.example.com \"quick-fix-x7y8z9 active http://10.0.0.5:8080 http://127.0.0.1:5080\";",
            ], lines);
        Assert.All(lines, l => Assert.Equal("quick-fix-x7y8z9", NginxRouteTable.TenantOf(l)));
    }

    [Fact]
    public void A_suspended_route_keeps_its_hosts_and_says_so()
    {
        var route = new TenantRoute("quick-fix-x7y8z9", "quick-fix-x7y8z9.mechanicbuddy.app", Backend, Backend) { Suspended = true };

        Assert.Contains(" \"quick-fix-x7y8z9 suspended ", Assert.Single(NginxRouteEntry.Render(route)), StringComparison.Ordinal);
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
    [InlineData("10.0.0.5")]
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
        Assert.Throws<ArgumentException>(() => NginxRouteTable.BucketOf("../../etc/nginx"));
    }

    [Fact]
    public void A_bucket_keeps_other_tenants_lines_when_one_tenant_is_replaced_or_removed()
    {
        var a = NginxRouteEntry.Render(new TenantRoute("alpha-x1y2z3", "alpha-x1y2z3.mechanicbuddy.app", Backend, Backend));
        var b = NginxRouteEntry.Render(new TenantRoute("bravo-x1y2z3", "bravo-x1y2z3.mechanicbuddy.app", Backend, Backend) { AliasHostnames = ["bravo.example.com"] });
        var bucket = NginxRouteTable.Replace(NginxRouteTable.Replace("", "alpha-x1y2z3", a), "bravo-x1y2z3", b);

        var suspended = NginxRouteTable.Replace(bucket, "alpha-x1y2z3",
            NginxRouteEntry.Render(new TenantRoute("alpha-x1y2z3", "alpha-x1y2z3.mechanicbuddy.app", Backend, Backend) { Suspended = true }));
        var removed = NginxRouteTable.Replace(suspended, "bravo-x1y2z3", []);

        Assert.Equal(b, NginxRouteTable.LinesOf(suspended, "bravo-x1y2z3"));
        Assert.Contains("alpha-x1y2z3 suspended", Assert.Single(NginxRouteTable.LinesOf(suspended, "alpha-x1y2z3")), StringComparison.Ordinal);
        Assert.Empty(NginxRouteTable.LinesOf(removed, "bravo-x1y2z3"));
        Assert.Single(NginxRouteTable.LinesOf(removed, "alpha-x1y2z3"));
        Assert.Equal("", NginxRouteTable.Replace(removed, "alpha-x1y2z3", []));
    }

    [Fact]
    public void Tenants_spread_over_the_buckets_and_a_tenant_always_lands_in_the_same_one()
    {
        var buckets = Enumerable.Range(0, 2000).Select(i => NginxRouteTable.BucketOf($"shop-{i:x6}")).ToList();

        Assert.Equal(NginxRouteTable.BucketCount, buckets.Distinct().Count());
        Assert.True(buckets.GroupBy(b => b).Max(g => g.Count()) < 3 * 2000 / NginxRouteTable.BucketCount);
        // A hash that depends on the process (string.GetHashCode) would move tenants between buckets on every restart.
        Assert.Equal("bucket-0c.map", NginxRouteTable.BucketOf("quick-fix-x7y8z9"));
    }
}
