using System.Text.Json.Nodes;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using static MechanicBuddy.UnitTests.DedicatedProvisioner.KubernetesObjects;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>Readiness on the Kubernetes platform: watched, not polled; reopened after closes, 410s and failures; deployments judged as rollout status does.</summary>
public sealed partial class KubernetesPlatformTests
{
    [Fact]
    public async Task A_watch_the_server_closes_is_reopened_from_the_last_version_seen()
    {
        var platform = Platform();
        var plan = Plan(customDomain: null);
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan, clusterReady: false);
        _api.ScriptWatch("clusters", ns, "postgres", new WatchStep.Event("MODIFIED", Cluster(1, 0, false)), new WatchStep.Close());
        _api.ScriptWatch("clusters", ns, "postgres", new WatchStep.Event("MODIFIED", Cluster(1, 1, true)));

        var (outcome, _) = await RunAsync(platform, plan);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        var clusterCalls = _api.Requests.Where(r => r.Contains("/clusters", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, clusterCalls.Count);
        Assert.Contains("watch=false", clusterCalls[0], StringComparison.Ordinal);
        Assert.Contains("watch=true", clusterCalls[1], StringComparison.Ordinal);
        Assert.Contains("watch=true", clusterCalls[2], StringComparison.Ordinal);
        // The second watch starts after the event the first one delivered, not from the list again.
        var first = Version(clusterCalls[1]);
        var second = Version(clusterCalls[2]);
        Assert.True(second > first, $"{second} > {first}");
    }

    static long Version(string request) =>
        long.Parse(request.Split(['?', '&']).Single(p => p.StartsWith("resourceVersion=", StringComparison.Ordinal))["resourceVersion=".Length..],
            System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_410_gone_lists_again_before_watching(bool asErrorEvent)
    {
        var platform = Platform();
        var plan = Plan(customDomain: null);
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan, clusterReady: false);
        // The watch is refused (or broken) as too old; meanwhile the cluster became ready, which only a new list shows.
        var ready = Cluster(1, 1, true);
        _api.ScriptWatch("clusters", ns, "postgres", asErrorEvent ? new WatchStep.ErrorGone(ready) : new WatchStep.Gone(ready));
        _api.ScriptWatch("clusters", ns, "postgres");

        var (outcome, _) = await RunAsync(platform, plan);

        Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        var clusterCalls = _api.Requests.Where(r => r.Contains("/clusters", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, clusterCalls.Count(r => r.Contains("watch=false", StringComparison.Ordinal)));
        Assert.Contains("watch=true", clusterCalls[1], StringComparison.Ordinal);
        Assert.Contains("watch=false", clusterCalls[2], StringComparison.Ordinal);
    }

    /// <summary>An API server that answers every watch with an ERROR event (500) is asked again with a growing pause, not in a hot loop.</summary>
    [Fact]
    public async Task A_watch_that_keeps_failing_is_reopened_with_backoff_until_the_deadline()
    {
        var platform = Platform(readyTimeoutSeconds: 2);
        var plan = Plan(customDomain: null);
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan, clusterReady: false);
        for (var i = 0; i < 100; i++)
        {
            _api.ScriptWatch("clusters", ns, "postgres", new WatchStep.Error(500, "InternalError", "etcdserver: request timed out"));
        }

        var (outcome, _) = await RunAsync(platform, plan);

        Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        var watches = _api.Requests.Count(r => r.Contains("/clusters", StringComparison.Ordinal) && r.Contains("watch=true", StringComparison.Ordinal));
        // 250 + 500 + 1000 ms of pauses fit in the two seconds: a handful of watches, not a hundred.
        Assert.InRange(watches, 2, 6);
    }

    [Fact]
    public async Task A_database_timeout_removes_release_and_namespace_and_fails()
    {
        var platform = Platform(readyTimeoutSeconds: 1);
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan, clusterReady: false);

        var (outcome, _) = await RunAsync(platform, plan);

        var failed = Assert.IsType<DedicatedProvisioningOutcome.Failed>(outcome);
        Assert.Equal("WaitForPostgres", failed.Step);
        Assert.Contains("database timeout", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("0/1 instances ready", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.Compensated);
        Assert.Contains(_helm.Calls, c => c.StartsWith($"uninstall {ns} -n {ns} --wait", StringComparison.Ordinal));
        Assert.Null(_api.Get("namespaces", null, ns));
        // Readiness was watched, not polled: one list and watches, no repeated lists.
        Assert.Equal(1, _api.Requests.Count(r => r.Contains("/clusters?fieldSelector", StringComparison.Ordinal) && r.Contains("watch=false", StringComparison.Ordinal)));
    }

    /// <summary>
    /// As `kubectl rollout status` judges it: an old replica still running means the old version still answers, and a
    /// rollout the controller gave up on (ProgressDeadlineExceeded) is reported as stalled at once, not after the timeout.
    /// </summary>
    [Fact]
    public async Task Old_replicas_still_running_are_not_ready_and_a_stalled_rollout_is_named()
    {
        var platform = Platform(readyTimeoutSeconds: 1);
        var plan = Plan();
        var ns = plan.Names.DedicatedNamespace;
        ReleaseObjects(plan);
        var api = Deployment("api", 2, 2);
        api["status"]!["replicas"] = 3;
        _api.Put("deployments", ns, api);
        var web = Deployment("web", 2, 1);
        web["status"]!["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "Progressing", ["status"] = "False", ["reason"] = "ProgressDeadlineExceeded",
            ["message"] = "ReplicaSet \"web-7d9f\" has timed out progressing.",
        });
        _api.Put("deployments", ns, web);

        var (outcome, _) = await RunAsync(platform, plan);

        var done = Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        Assert.StartsWith("WaitForApi: deployment api: 2/2 replicas ready, 1 old still running after", done.Warnings[0], StringComparison.Ordinal);
        Assert.Equal("WaitForWeb: deployment web: rollout stalled (ProgressDeadlineExceeded): ReplicaSet \"web-7d9f\" has timed out progressing.; continuing (non-critical)",
            done.Warnings[1]);
    }

    [Fact]
    public async Task An_api_or_web_timeout_is_a_warning_and_provisioning_continues()
    {
        var platform = Platform(readyTimeoutSeconds: 1);
        var plan = Plan();
        ReleaseObjects(plan, apiReady: 1, webReady: 2, certificateReady: false);

        var (outcome, progress) = await RunAsync(platform, plan);

        var done = Assert.IsType<DedicatedProvisioningOutcome.Succeeded>(outcome);
        Assert.Equal(2, done.Warnings.Count);
        Assert.StartsWith("WaitForApi: deployment api: 1/2 replicas ready after", done.Warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("ConfigureIngress: certificate not issued yet", done.Warnings[1], StringComparison.Ordinal);
        Assert.Equal(ProvisioningProgress.Warning, progress.Single(p => p.Step == "WaitForApi").Outcome);
        Assert.Equal(ProvisioningProgress.Completed, progress.Single(p => p.Step == "WaitForWeb").Outcome);
        Assert.Equal("ConfigureIngress", progress[^1].Step);
    }
}
