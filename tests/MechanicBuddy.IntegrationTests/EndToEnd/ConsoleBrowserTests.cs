using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using OpenQA.Selenium;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>The operator console in a real headless Chromium against the real services.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ConsoleBrowserTests(ControlPlaneFixture plane) : IDisposable
{
    readonly ChromiumBrowser _browser = new();

    Uri Console(string hash = "") => new(plane.Gateway.Url, $"/console/{hash}");

    void SignIn(string role = AuthOptions.SuperAdminRole, string subject = "console-operator")
    {
        _browser.Open(Console());
        _browser.Act("#token", e => e.SendKeys(OperatorTokens.Mint(plane.Auth, subject, [role], TimeSpan.FromMinutes(30))));
        _browser.Act("#sign-in-form button[type=submit]", e => e.Click());
        _browser.Until(d => d.FindElement(By.Id("who-name")).Text.Contains(role, StringComparison.Ordinal));
    }

    string StatusShown() => _browser.Driver.FindElement(By.CssSelector("#tenant-details")).GetAttribute("data-status") ?? "";

    [Fact]
    public void A_signup_from_the_console_is_seen_live_step_by_step_until_active()
    {
        SignIn();
        _browser.Act("#signup-company", e => e.SendKeys("Browser Brakes"));
        _browser.Act("#signup-email", e => e.SendKeys("owner@browser.example"));
        _browser.Act("#signup-form button[type=submit]", e => e.Click());

        _browser.Until(d => d.Url.Contains("#/tenant/", StringComparison.Ordinal));
        _browser.Until(d => d.FindElements(By.CssSelector("#steps tr[data-step=Completed]")).Count == 1);
        _browser.Until(_ => StatusShown() == TenantStatuses.Active);

        var steps = _browser.Driver.FindElements(By.CssSelector("#steps tr")).Select(r => r.GetAttribute("data-step")).ToList();
        Assert.Contains("CreateSchema", steps);
        Assert.Contains("ConfigureRouting", steps);
        Assert.Equal("Completed", steps[^1]);
        Assert.Equal("live", _browser.Until(d => d.FindElement(By.Id("stream-state")).Text));
        Assert.Contains(_browser.Driver.FindElements(By.CssSelector("#steps td.duration")), td => td.Text.EndsWith("ms", StringComparison.Ordinal) || td.Text.EndsWith(" s", StringComparison.Ordinal));
        _browser.Screenshot("tenant-active");

        _browser.Open(Console("#/tenants"));
        _browser.Act("#filter-q", e => e.SendKeys("Browser Brakes"));
        _browser.Until(d => d.FindElement(By.Id("tenant-results")).Text.Contains("Browser Brakes", StringComparison.Ordinal));
        _browser.Screenshot("tenants");
    }

    [Fact]
    public async Task A_failed_signup_shows_its_failing_step_and_real_error_and_retry_brings_it_to_active()
    {
        var (tenantId, _, failed) = await SquattedSignup.RunAsync(plane, "Broken Bearings", "owner@broken.example");
        Assert.Equal(TenantStatuses.Failed, failed.Status);

        SignIn();
        _browser.Open(Console($"#/tenant/{tenantId}"));

        var failure = _browser.Until(d => d.FindElement(By.CssSelector("#failure .failure")).Text);
        Assert.Contains("Failed at", failure, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", failure, StringComparison.Ordinal);
        _browser.Until(d => d.FindElements(By.CssSelector("#steps tr.failed")).Count > 0);
        _browser.Screenshot("tenant-failed");

        _browser.Act("button[data-action=retry]", e => e.Click());
        _browser.Until(_ => StatusShown() == TenantStatuses.Active, seconds: 60);
        Assert.Empty(_browser.Driver.FindElements(By.CssSelector("#failure .failure")));
    }

    [Fact]
    public async Task A_suspension_round_trip_and_a_deprovision_that_asks_for_the_tenant_id()
    {
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Console Camshafts", subscriptionTier = "free", ownerEmail = "owner@camshafts.example" }))).TenantId;
        SignIn();
        _browser.Open(Console($"#/tenant/{tenantId}"));
        _browser.Until(_ => StatusShown() == TenantStatuses.Active);

        _browser.Act("#suspend-reason", e => e.SendKeys("card declined"));
        _browser.Act("button[data-action=suspend]", e => e.Click());
        _browser.Until(_ => StatusShown() == TenantStatuses.Suspended);
        _browser.Until(d => d.FindElement(By.Id("tenant-details")).Text.Contains("card declined", StringComparison.Ordinal));
        _browser.Act("button[data-action=resume]", e => e.Click());
        _browser.Until(_ => StatusShown() == TenantStatuses.Active);

        _browser.Act("button[data-action=deprovision]", e => e.Click());
        var dialog = _browser.Find("#deprovision-dialog");
        Assert.Contains("Console Camshafts", dialog.Text, StringComparison.Ordinal);
        var confirm = _browser.Find("#confirm-deprovision");
        _browser.Act("#confirm-id", e => e.SendKeys("wrong-id"));
        Assert.False(confirm.Enabled);
        _browser.Act("#confirm-id", e => e.Clear());
        _browser.Act("#confirm-id", e => e.SendKeys(tenantId));
        Assert.True(confirm.Enabled);
        _browser.Screenshot("deprovision-confirm");
        confirm.Click();
        _browser.Until(_ => StatusShown() == TenantStatuses.Deprovisioned, seconds: 60);

        var actions = (await plane.Client.GetFromJsonAsync<List<AuditRecord>>($"/api/audit?tenantId={tenantId}", Json))!.Select(r => r.Action);
        Assert.Equal(["DeprovisionTenant", "ResumeTenant", "SuspendTenant", "ProvisionTenant"], actions);
    }

    [Fact]
    public async Task A_viewer_sees_no_action_buttons_and_its_forced_call_is_refused_and_audited()
    {
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Viewer Valves", subscriptionTier = "free", ownerEmail = "owner@valves.example" }))).TenantId;
        SignIn(AuthOptions.ViewerRole, "console-viewer");
        _browser.Open(Console($"#/tenant/{tenantId}"));
        _browser.Until(_ => StatusShown() == TenantStatuses.Active);

        Assert.Empty(_browser.Driver.FindElements(By.CssSelector("#tenant-actions button")));
        _browser.Open(Console("#/tenants"));
        _browser.Find("#tenant-results table");
        Assert.Empty(_browser.Driver.FindElements(By.Id("signup-form")));
        _browser.Screenshot("viewer-tenants");

        // The page offers nothing, so the viewer forces the call from the page's own script context.
        var status = (long?)((IJavaScriptExecutor)_browser.Driver).ExecuteAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            fetch(`/api/tenants/${arguments[0]}/suspend`, { method: "POST", headers: { Authorization: `Bearer ${sessionStorage.getItem("mechanicbuddy.token")}` } })
              .then((r) => done(r.status));
            """, tenantId);

        Assert.Equal((long)HttpStatusCode.Forbidden, status);
        var refused = Assert.Single((await plane.Client.GetFromJsonAsync<List<AuditRecord>>($"/api/audit?tenantId={tenantId}&outcome=refused", Json))!);
        Assert.Equal(("console-viewer", "SuspendTenant", 403), (refused.Subject, refused.Action, refused.Status));
        Assert.Equal(TenantStatuses.Active, (await plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{tenantId}", Json))!.Status);
    }

    [Fact]
    public void The_fleet_pages_show_drift_pools_migrations_and_the_audit_log()
    {
        SignIn();
        foreach (var (page, ready) in new[] { ("drift", "#drift-summary"), ("pools", "main table"), ("migrations", "main h1"), ("audit", "#audit-results table") })
        {
            _browser.Open(Console($"#/{page}"));
            _browser.Find(ready);
            Assert.DoesNotContain(_browser.Driver.FindElements(By.CssSelector("main .error[role=alert]")), e => e.Text.Length > 0);
            _browser.Screenshot(page);
        }
        _browser.Act("#audit-outcome", e => e.SendKeys("refused"));
        _browser.Until(d => d.FindElement(By.Id("audit-results")).FindElements(By.CssSelector("tbody tr")).All(r => r.GetAttribute("class") == "refused"));
    }

    [Fact]
    public void Sign_in_and_moving_between_pages_work_from_the_keyboard_alone()
    {
        _browser.Open(Console());
        IWebElement Focused() => _browser.Driver.SwitchTo().ActiveElement();
        // The token field has the focus on arrival; Tab reaches the button, Enter signs in.
        _browser.Until(_ => Focused().GetAttribute("id") == "token");
        Focused().SendKeys(OperatorTokens.Mint(plane.Auth, "keyboard-operator", [AuthOptions.SuperAdminRole], TimeSpan.FromMinutes(30)));
        Focused().SendKeys(Keys.Tab);
        Assert.Equal("Sign in", Focused().Text);
        Focused().SendKeys(Keys.Enter);
        _browser.Until(d => d.FindElement(By.Id("who-name")).Text.Contains("keyboard-operator", StringComparison.Ordinal));

        // From the top of the page, Tab walks the header's links in order; Enter on one opens its page.
        ((IJavaScriptExecutor)_browser.Driver).ExecuteScript("document.querySelector('header .brand').focus()");
        for (var presses = 0; Focused().Text != "Pools" && presses < 10; presses++)
        {
            Focused().SendKeys(Keys.Tab);
        }
        Assert.Equal("Pools", Focused().Text);
        Focused().SendKeys(Keys.Enter);
        _browser.Until(d => d.FindElement(By.CssSelector("main h1")).Text == "Pools");
    }

    public void Dispose() => _browser.Dispose();
}
