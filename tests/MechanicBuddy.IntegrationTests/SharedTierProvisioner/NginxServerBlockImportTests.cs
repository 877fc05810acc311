using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Provisioning.Routing.Nginx;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MechanicBuddy.IntegrationTests.SharedTierProvisioner;

/// <summary>Routes an earlier release wrote as server blocks keep serving after the upgrade: a worker's start imports them into the map.</summary>
[Collection(SharedPoolCollection.Name)]
public sealed class NginxServerBlockImportTests(SharedPoolFixture fixture)
{
    static readonly HttpClient Edge = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A block as the previous release rendered it.</summary>
    static string OldBlock(string tenantId, string hosts, Uri upstream, bool suspended) =>
        $"# MechanicBuddy tenant route: {tenantId} (written by MechanicBuddy provisioning; do not edit)\nserver {{\n" +
        $"    listen 127.0.0.1:{TestEnvironment.NginxPort};\n    server_name {hosts};\n" +
        $"    location = /.well-known/mechanicbuddy/route {{\n        default_type text/plain;\n        return 200 \"{tenantId}\";\n    }}\n" +
        (suspended
            ? "    location / {\n        default_type application/problem+json;\n        add_header Retry-After 3600 always;\n        return 503 '{\"title\":\"This workshop is suspended\",\"status\":503}';\n    }\n"
            : $"    location /api/ {{\n        proxy_pass http://localhost:{upstream.Port};\n        proxy_set_header Host $host;\n    }}\n" +
              $"    location / {{\n        proxy_pass {upstream.GetLeftPart(UriPartial.Authority)};\n        proxy_set_header Host $host;\n    }}\n") +
        "}\n";

    [Fact]
    public async Task Old_server_blocks_become_map_lines_that_serve_the_same_hosts_and_states()
    {
        var active = TenantIds.Generate("Old Block Active");
        var suspended = TenantIds.Generate("Old Block Suspended");
        var host = (string id) => $"{id}.{SharedPoolFixture.BaseDomain}";
        Directory.CreateDirectory(TestEnvironment.NginxRoutes);
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.NginxRoutes, $"tenant-{active}.conf"),
            OldBlock(active, $"{host(active)} old-alias.{SharedPoolFixture.BaseDomain}", fixture.Echo.Url, suspended: false));
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.NginxRoutes, $"tenant-{suspended}.conf"), OldBlock(suspended, host(suspended), fixture.Echo.Url, suspended: true));
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.NginxRoutes, "tenant-not-ours.conf"), "server { listen 1; }\n");

        var import = fixture.Services().GetServices<IHostedService>().OfType<NginxServerBlockImport>().Single();
        await import.StartAsync(CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(TestEnvironment.NginxRoutes, $"tenant-{active}.conf")));
        // What it cannot read is set aside, not tried again at every start.
        Assert.False(File.Exists(Path.Combine(TestEnvironment.NginxRoutes, "tenant-not-ours.conf")));
        Assert.True(File.Exists(Path.Combine(TestEnvironment.NginxRoutes, "tenant-not-ours.conf" + NginxServerBlockImport.RejectedSuffix)));
        foreach (var name in new[] { host(active), $"old-alias.{SharedPoolFixture.BaseDomain}" })
        {
            using var request = EdgeRequest.Get(name, "/api/customers");
            using var response = await Edge.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([active], (await response.Content.ReadFromJsonAsync<EchoResponse>())!.TenantIds);
        }
        using (var request = EdgeRequest.Get(host(suspended), "/api/customers"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Edge.SendAsync(request)).StatusCode);
        }
        File.Delete(Path.Combine(TestEnvironment.NginxRoutes, "tenant-not-ours.conf" + NginxServerBlockImport.RejectedSuffix));
    }
}
