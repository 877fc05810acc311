using System.Text.Json;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>The mb command line against the real services: exit codes, --json, live watch.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CliTests(ControlPlaneFixture plane)
{
    string Token(string role = AuthOptions.SuperAdminRole, string subject = "cli-operator") =>
        OperatorTokens.Mint(plane.Auth, subject, [role], TimeSpan.FromMinutes(30));

    async Task<MbCli> LoggedInAsync(string role = AuthOptions.SuperAdminRole, string subject = "cli-operator")
    {
        var cli = new MbCli(plane.Gateway.Url);
        var login = await cli.RunAsync("login", "--gateway", plane.Gateway.Url.ToString(), "--token", Token(role, subject));
        Assert.True(login.Exit == 0, login.Error);
        Assert.Contains($"as {subject} ({role})", login.Out, StringComparison.Ordinal);
        return cli;
    }

    [Fact]
    public async Task Signup_watch_show_suspend_resume_and_delete_from_the_command_line()
    {
        var cli = await LoggedInAsync();

        var signup = await cli.RunAsync("signup", "--company", "Command Line Clutches", "--email", "owner@cli.example", "--watch");

        Assert.True(signup.Exit == 0, signup.Out + signup.Error);
        var tenantId = signup.Out.Split(' ', ':')[1];
        Assert.True(TenantIds.IsValid(tenantId), signup.Out);
        Assert.Contains("CreateSchema", signup.Out, StringComparison.Ordinal);
        Assert.Contains("[##########]", signup.Out, StringComparison.Ordinal);
        Assert.EndsWith($"{tenantId}: Active", signup.Out.TrimEnd(), StringComparison.Ordinal);

        var show = await cli.RunAsync("show", tenantId, "--json");
        Assert.Equal(0, show.Exit);
        using (var json = JsonDocument.Parse(show.Out))
        {
            Assert.Equal(TenantStatuses.Active, json.RootElement.GetProperty("tenant").GetProperty("status").GetString());
            Assert.Contains(json.RootElement.GetProperty("log").EnumerateArray(), e => e.GetProperty("step").GetString() == "Completed");
        }
        var listed = await cli.RunAsync("tenants", "--q", "Command Line Clutches");
        Assert.Contains(tenantId, listed.Out, StringComparison.Ordinal);

        var tier = await cli.RunAsync("tier", tenantId, "demo");
        Assert.Equal((0, $"{tenantId}: Active"), (tier.Exit, tier.Out.Trim()));
        Assert.Contains("demo", (await cli.RunAsync("show", tenantId)).Out, StringComparison.Ordinal);
        var suspend = await cli.RunAsync("suspend", tenantId, "--reason", "cli test");
        Assert.Equal((0, $"{tenantId}: Suspended"), (suspend.Exit, suspend.Out.Trim()));
        Assert.Contains("cli test", (await cli.RunAsync("show", tenantId)).Out, StringComparison.Ordinal);
        // Suspending a suspended tenant changes nothing and is no error.
        Assert.Equal(0, (await cli.RunAsync("suspend", tenantId)).Exit);
        var resume = await cli.RunAsync("resume", tenantId);
        Assert.Equal((0, $"{tenantId}: Active"), (resume.Exit, resume.Out.Trim()));

        // Deleting without --yes and without a terminal to confirm at is refused and removes nothing.
        var unconfirmed = await cli.RunAsync("delete", tenantId);
        Assert.Equal(5, unconfirmed.Exit);
        Assert.Contains("--yes", unconfirmed.Error, StringComparison.Ordinal);
        var deleted = await cli.RunAsync("delete", tenantId, "--yes");
        Assert.True(deleted.Exit == 0, deleted.Error);
        Assert.Contains("Deprovisioned", deleted.Out, StringComparison.Ordinal);
        var audit = await cli.RunAsync("audit", "--tenantId", tenantId, "--json");
        using var records = JsonDocument.Parse(audit.Out);
        Assert.Equal(["DeprovisionTenant", "ResumeTenant", "SuspendTenant", "SuspendTenant", "ChangeTenantTier", "ProvisionTenant"],
            records.RootElement.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Exit_codes_say_what_went_wrong()
    {
        var viewer = await LoggedInAsync(AuthOptions.ViewerRole, "cli-viewer");
        var unknownTenant = await viewer.RunAsync("show", "no-such-shop-x1y2z3");
        var forbidden = await viewer.RunAsync("suspend", "no-such-shop-x1y2z3");
        var invalid = await (await LoggedInAsync()).RunAsync("signup", "--company", "", "--email", "not-an-address", "--tier", "gold");
        var usage = await viewer.RunAsync("frobnicate");
        var unreachable = await new MbCli(new Uri($"http://127.0.0.1:{TestEnvironment.FreeTcpPort()}")).RunAsync("tenants");
        var badToken = await new MbCli(plane.Gateway.Url).RunAsync("login", "--gateway", plane.Gateway.Url.ToString(), "--token", "not.a.token");

        Assert.Equal(4, unknownTenant.Exit);
        Assert.Equal(3, forbidden.Exit);
        Assert.Contains("Viewer role may read", forbidden.Error, StringComparison.Ordinal);
        Assert.Equal(5, invalid.Exit);
        Assert.Contains("subscriptionTier", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(2, usage.Exit);
        Assert.Equal(6, unreachable.Exit);
        Assert.Equal(3, badToken.Exit);
        Assert.Equal(0, (await viewer.RunAsync("pools")).Exit);
        var drift = await viewer.RunAsync("drift", "--json");
        Assert.Contains("\"clean\"", drift.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await viewer.RunAsync("migrations")).Exit);
    }
}
