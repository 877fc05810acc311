using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Routing.Nginx;

namespace MechanicBuddy.UnitTests.Provisioning.Routing;

public sealed class NginxServerBlockTests
{
    static readonly Uri Backend = new("http://127.0.0.1:5080");

    [Fact]
    public void The_block_serves_the_host_and_sets_the_tenant_header_on_every_location()
    {
        var block = NginxServerBlock.Render(new TenantRoute("quick-fix-x7y8z9", "quick-fix-x7y8z9.mechanicbuddy.app", Backend, new Uri("http://10.0.0.5:8080")), "127.0.0.1", 8480);

        Assert.Contains("server_name quick-fix-x7y8z9.mechanicbuddy.app;", block, StringComparison.Ordinal);
        Assert.Contains("listen 127.0.0.1:8480;", block, StringComparison.Ordinal);
        Assert.Equal(2, block.Split("proxy_set_header X-Tenant-ID \"quick-fix-x7y8z9\";").Length - 1);
        Assert.Contains("location /api/ {\n        proxy_pass http://10.0.0.5:8080;", block, StringComparison.Ordinal);
        Assert.Contains("location / {\n        proxy_pass http://127.0.0.1:5080;", block, StringComparison.Ordinal);
    }

    [Fact]
    public void A_suspended_block_answers_503_and_reaches_no_backend_but_keeps_its_hosts_and_probe()
    {
        var route = new TenantRoute("quick-fix-x7y8z9", "quick-fix-x7y8z9.mechanicbuddy.app", Backend, Backend) { AliasHostnames = ["shop.example.com"], Suspended = true };

        var block = NginxServerBlock.Render(route, "127.0.0.1", 8480);

        Assert.Contains("server_name quick-fix-x7y8z9.mechanicbuddy.app shop.example.com;", block, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy_pass", block, StringComparison.Ordinal);
        Assert.Contains("return 503 ", block, StringComparison.Ordinal);
        Assert.Contains("return 200 \"quick-fix-x7y8z9 suspended\";", block, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.example; include /etc/passwd")]
    [InlineData("evil example")]
    [InlineData("EVIL.example")]
    [InlineData("-evil.example")]
    [InlineData("")]
    public void Host_names_that_could_add_directives_are_refused(string hostname)
    {
        Assert.Throws<ArgumentException>(() => NginxServerBlock.Render(new TenantRoute("quick-fix-x7y8z9", hostname, Backend, Backend), "127.0.0.1", 8480));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/admin")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("http://user:pw@127.0.0.1")]
    public void Upstreams_must_be_plain_origins(string upstream)
    {
        Assert.Throws<ArgumentException>(() =>
            NginxServerBlock.Render(new TenantRoute("quick-fix-x7y8z9", "q.mechanicbuddy.app", new Uri(upstream), Backend), "127.0.0.1", 8480));
    }

    [Fact]
    public void An_invalid_tenant_id_never_reaches_the_config()
    {
        Assert.Throws<ArgumentException>(() => NginxServerBlock.Render(new TenantRoute("x\"; return 200 \"", "q.mechanicbuddy.app", Backend, Backend), "127.0.0.1", 8480));
        Assert.Throws<ArgumentException>(() => NginxServerBlock.FileName("../../etc/nginx"));
    }
}
