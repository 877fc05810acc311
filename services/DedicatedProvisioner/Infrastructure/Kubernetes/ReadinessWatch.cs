using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>What a readiness wait saw: whether the object became ready, its last state in words, and whether it stalled (gave up before the deadline).</summary>
public sealed record ReadinessResult(bool Ready, string LastSeen, bool Stalled = false);

/// <summary>
/// Waits for one named object to become ready by watching, not by sleeping between polls: list first (it may already
/// be ready) and watch from the list's resourceVersion. A watch the server closes is reopened from the last version
/// seen; a 410 Gone (that version is too old) lists again; a broken or failing watch is reopened with a backoff. Gives
/// up at the deadline and says what it saw last.
/// </summary>
public static class ReadinessWatch
{
    /// <param name="readyWhenAbsent">Wait for the object to disappear instead (a deleted namespace).</param>
    /// <param name="list">Lists the named object (a field selector on its name).</param>
    /// <param name="watch">Watches it from a resourceVersion, reporting stream errors (a 410 Status event) to the callback.</param>
    /// <param name="stalled">Why the object will not become ready however long one waits, if so: the wait ends then, not ready.</param>
    public static async Task<ReadinessResult> WaitAsync<T, TList>(
        Func<CancellationToken, Task<TList>> list,
        Func<string?, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T, bool> isReady, Func<T, string> describe, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken, bool readyWhenAbsent = false,
        Func<T, string?>? stalled = null)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        var lastSeen = "not created yet";
        string? resourceVersion = null;
        var relist = true;
        var failures = 0;
        // What one sighting of the object decides: ready, stalled, or nothing yet (it is then the last thing seen).
        ReadinessResult? Judge(T item)
        {
            lastSeen = describe(item);
            if (isReady(item))
            {
                return new ReadinessResult(true, lastSeen);
            }
            return stalled?.Invoke(item) is { } reason ? new ReadinessResult(false, reason, Stalled: true) : null;
        }
        try
        {
            while (true)
            {
                if (relist)
                {
                    var listed = await list(token);
                    if (readyWhenAbsent && listed.Items.Count == 0)
                    {
                        return new ReadinessResult(true, "absent");
                    }
                    foreach (var item in listed.Items)
                    {
                        if (Judge(item) is { } verdict)
                        {
                            return verdict;
                        }
                    }
                    resourceVersion = listed.Metadata?.ResourceVersion;
                    relist = false;
                }

                var gone = false;
                var broken = false;
                var sawEvent = false;
                try
                {
                    await foreach (var (type, item) in watch(resourceVersion, error => { var isGone = IsGone(error); gone |= isGone; broken |= !isGone; }, token).WithCancellation(token))
                    {
                        sawEvent = true;
                        resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                        if (type is WatchEventType.Deleted)
                        {
                            lastSeen = "deleted";
                            if (readyWhenAbsent)
                            {
                                return new ReadinessResult(true, lastSeen);
                            }
                            continue;
                        }
                        if (type is WatchEventType.Added or WatchEventType.Modified && Judge(item) is { } verdict)
                        {
                            return verdict;
                        }
                    }
                }
                catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
                {
                    gone = true;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !token.IsCancellationRequested)
                {
                    broken = true;
                }
                relist |= gone;
                // A dropped connection, an ERROR event other than 410 (the API server overloaded or restarting), or a
                // watch that ends before telling anything: reopen after a growing pause, never in a hot loop.
                failures = sawEvent ? 0 : failures;
                if (broken || (!gone && !sawEvent))
                {
                    failures++;
                    await Task.Delay(Backoff(failures), clock, token);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new ReadinessResult(false, lastSeen);
        }
    }

    /// <summary>250 ms after the first failed watch in a row, doubling to at most 5 s.</summary>
    public static TimeSpan Backoff(int failures) => TimeSpan.FromMilliseconds(Math.Min(5000, 250 * (1 << Math.Min(failures - 1, 5))));

    static bool IsGone(Exception error) =>
        error is KubernetesException { Status.Code: (int)HttpStatusCode.Gone }
        || error is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone };

    /// <summary>
    /// The rule `kubectl rollout status` applies: the controller saw the latest spec, every replica is updated, available
    /// and ready, and no old replica is left (status.replicas counts old and new pods; terminating ones are counted
    /// apart), so the old version no longer answers.
    /// </summary>
    public static bool IsReady(V1Deployment deployment)
    {
        var wanted = deployment.Spec?.Replicas ?? 1;
        var status = deployment.Status;
        return status is not null && (status.ObservedGeneration ?? 0) >= (deployment.Metadata?.Generation ?? 0)
            && (status.UpdatedReplicas ?? 0) == wanted && (status.AvailableReplicas ?? 0) == wanted && (status.ReadyReplicas ?? 0) == wanted
            && (status.Replicas ?? 0) == wanted && (status.TerminatingReplicas ?? 0) == 0;
    }

    /// <summary>A rollout the controller gave up on (Progressing False, ProgressDeadlineExceeded): waiting longer shows nothing new.</summary>
    public static string? Stalled(V1Deployment deployment) =>
        deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded") is { } stalled
        && (deployment.Status.ObservedGeneration ?? 0) >= (deployment.Metadata?.Generation ?? 0)
            ? $"rollout stalled (ProgressDeadlineExceeded): {stalled.Message}"
            : null;

    public static string Describe(V1Deployment deployment)
    {
        var status = deployment.Status;
        var old = (status?.Replicas ?? 0) - (status?.UpdatedReplicas ?? 0) + (status?.TerminatingReplicas ?? 0);
        return $"{status?.ReadyReplicas ?? 0}/{deployment.Spec?.Replicas ?? 1} replicas ready" + (old > 0 ? $", {old} old still running" : "");
    }
}
