using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using Npgsql;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>A professional shop signs up through the Gateway and gets a PostgreSQL instance of its own (single-host platform).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DedicatedSignupTests(ControlPlaneFixture plane)
{
    static readonly HttpClient Edge = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_professional_signup_gets_its_own_instance_custom_domain_and_leaves_nothing_when_deprovisioned()
    {
        var response = await SignUpAsync(plane.Client, new
        {
            companyName = "Acme Auto Repair", subscriptionTier = "professional", ownerEmail = "owner@acmeauto.example", customDomain = "shop.acmeauto.localhost",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ResultAsync(response);
        var id = result.TenantId;
        var names = new TenantNames(id);
        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal((TenantStatuses.Active, "dedicated", $"tenant-{id}"), (result.Status, result.DeploymentMode, result.Namespace));
        Assert.Null(result.HelmRelease);
        Assert.Equal($"http://shop.acmeauto.localhost:{TestEnvironment.NginxPort}", result.TenantUrl);
        Assert.Equal(result.TenantUrl + "/api", result.ApiUrl);
        Assert.Empty(result.Warnings);
        // The seed's dedicated example: professional figures.
        var resources = result.Resources!;
        Assert.Equal(("1", "50Gi", "2", "2", 20, true),
            (resources.PostgresInstances.ToString(), resources.PostgresStorage.ToString(), resources.ApiReplicas.ToString(), resources.WebReplicas.ToString(),
             resources.MechanicLimit, resources.BackupEnabled));
        var steps = result.ProvisioningLog.Select(e => e.Step).ToList();
        Assert.Equal("Accepted", steps[0]);
        Assert.Equal(["UpdateTenantRecord", "Completed"], steps[^2..]);
        Assert.Equal(["CreateInstance", "WaitForPostgres", "CreateDatabase", "RunMigrations", "SeedData"], steps.Where(s => s is not ("Accepted" or "ConfigureRouting" or "UpdateTenantRecord" or "Completed")));
        Assert.Contains("ConfigureRouting", steps);
        var tenant = (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{id}", Json))!;
        Assert.Equal(("single-host", TenantStatuses.Active, MechanicBuddy.TenantDatabase.ShopSchemaVersions.Latest), (tenant.Platform, tenant.Status, tenant.SchemaVersion));

        // Its data lives in its own instance, reached only with its own role; the shared server has none of it.
        var port = TenantInstances.PortOf(plane.TenantInstancesDirectory, id);
        Assert.NotNull(port);
        var password = (await File.ReadAllTextAsync(Path.Combine(plane.DedicatedSecretsDirectory, id, "database-password"))).Trim();
        await using (var own = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=mechanicbuddy;Username={names.Role};Password={password};Pooling=false"))
        {
            await own.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT password_hash FROM {names.Schema}.users WHERE username = 'admin'", own);
            Assert.True(AdminPasswords.Verify(result.AdminPassword!, (string)(await command.ExecuteScalarAsync())!));
            await using var limit = new NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1', 'mechanicbuddy')", own);
            Assert.Equal(0L, await limit.ExecuteScalarAsync());
        }
        await using (var asShared = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=mechanicbuddy;Username=mechanicbuddy;Password={TestEnvironment.DbPassword};Pooling=false"))
        {
            await Assert.ThrowsAsync<PostgresException>(() => asShared.OpenAsync());
        }
        Assert.False(await plane.Pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @s)", ("s", names.Schema)));
        Assert.False(await plane.Pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @r)", ("r", names.Role)));

        // Both its host names are routed, with its id injected whatever the client sent.
        foreach (var host in new[] { "shop.acmeauto.localhost", $"{id}.{ControlPlaneFixture.BaseDomain}" })
        {
            using var request = EdgeRequest.Get(host, "/api/work-orders");
            request.Headers.Add("X-Tenant-ID", "someone-else-123456");
            var echo = await (await Edge.SendAsync(request)).Content.ReadFromJsonAsync<EchoResponse>();
            Assert.Equal([id], echo!.TenantIds);
        }

        var drift = (await plane.Client.GetFromJsonAsync<DriftReport>($"/api/tenants/{id}/drift", Json))!;
        Assert.True(drift.Clean, string.Join("; ", drift.Missing.Concat(drift.Orphaned).Select(f => $"{f.Kind} {f.Detail}")));

        // Suspended, both host names answer 503 and its instance keeps running with its data; it is deprovisioned from there.
        using var suspend = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{id}/suspend");
        suspend.Headers.Add("Prefer", "wait=30");
        Assert.Equal(TenantStatuses.Suspended, (await (await plane.Client.SendAsync(suspend)).Content.ReadFromJsonAsync<TenantDto>(Json))!.Status);
        foreach (var host in new[] { "shop.acmeauto.localhost", $"{id}.{ControlPlaneFixture.BaseDomain}" })
        {
            using var request = EdgeRequest.Get(host, "/api/work-orders");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Edge.SendAsync(request)).StatusCode);
        }
        Assert.True(await PostgresInstances.IsListeningAsync("127.0.0.1", port!.Value, CancellationToken.None));

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{id}");
        delete.Headers.Add("Prefer", "wait=30");
        var deleted = await plane.Client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(TenantStatuses.Deprovisioned, (await deleted.Content.ReadFromJsonAsync<TenantDto>(Json))!.Status);

        Assert.False(Directory.Exists(TenantInstances.DirectoryOf(plane.TenantInstancesDirectory, id)));
        Assert.False(Directory.Exists(Path.Combine(plane.DedicatedSecretsDirectory, id)));
        Assert.False(EdgeRoutes.Has(id));
        await using (var gone = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=mechanicbuddy;Username={names.Role};Password={password};Pooling=false;Timeout=2"))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => gone.OpenAsync());
        }
        using var after = EdgeRequest.Get("shop.acmeauto.localhost", "/");
        Assert.Equal(HttpStatusCode.NotFound, (await Edge.SendAsync(after)).StatusCode);
        Assert.True((await plane.Client.GetFromJsonAsync<DriftReport>($"/api/tenants/{id}/drift", Json))!.Clean);
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{id}/log", Json))!;
        Assert.Contains(log, e => e.Step == "Deprovision" && e.Outcome == "completed" && e.Message.Contains("stopped and deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_custom_domain_is_refused_with_every_error_and_builds_nothing()
    {
        var before = Directory.Exists(plane.TenantInstancesDirectory) ? Directory.GetDirectories(plane.TenantInstancesDirectory).Length : 0;

        var response = await SignUpAsync(plane.Client, new
        {
            companyName = "", subscriptionTier = "enterprise", ownerEmail = "not-an-email", customDomain = "bad domain;return 200",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("companyName", out _));
        Assert.True(errors.TryGetProperty("ownerEmail", out _));
        Assert.True(errors.TryGetProperty("customDomain", out _));
        var after = Directory.Exists(plane.TenantInstancesDirectory) ? Directory.GetDirectories(plane.TenantInstancesDirectory).Length : 0;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task The_dedicated_command_on_the_broker_carries_only_the_password_hash()
    {
        var tap = await plane.Broker.TapAsync("provision-dedicated-tenant");

        var response = await SignUpAsync(plane.Client,
            new { companyName = "Acme Auto Repair", subscriptionTier = "professional", ownerEmail = "owner@acmeauto.com", customDomain = "shop.acmeauto.com" },
            waitSeconds: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await ResultAsync(response);
        Assert.Matches("^acme-auto-[a-z0-9]{6}$", result.TenantId);
        Assert.Equal("dedicated", result.DeploymentMode);
        Assert.Equal($"tenant-{result.TenantId}", result.Namespace);
        Assert.Equal(20, result.Resources!.MechanicLimit);
        Assert.Empty(result.Warnings);
        var message = await plane.Broker.PeekAsync(tap, m => m.Contains(result.TenantId, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Contains("BuildTenantSide", message, StringComparison.Ordinal);
        Assert.Contains("shop.acmeauto.com", message, StringComparison.Ordinal);
        Assert.Contains("PBKDF2$SHA256$", message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.AdminPassword!, message, StringComparison.Ordinal);
        var final = await PollAsync<TenantProvisioningResult>(plane.Client, response.Headers.Location!.ToString(), r => r.Status, TenantStatuses.Provisioning,
            TimeSpan.FromSeconds(30));
        Assert.Equal(TenantStatuses.Active, final.Status);
        Assert.DoesNotContain(result.AdminPassword!, plane.AllLogs(), StringComparison.Ordinal);
    }
}
