using System.Collections.Concurrent;

namespace MechanicBuddy.Gateway.Consumers;

/// <summary>
/// Lets a request that asked for <c>Prefer: wait</c> sleep until its tenant's lifecycle event arrives, instead of
/// polling the registry. A waiter registers before the command is sent, so even an instant completion is not missed.
/// </summary>
public sealed class TenantCompletionNotifier
{
    readonly ConcurrentDictionary<string, List<TaskCompletionSource>> _waiters = new(StringComparer.Ordinal);

    public Waiter Register(string tenantId)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var list = _waiters.GetOrAdd(tenantId, _ => []);
        lock (list)
        {
            list.Add(completion);
        }
        return new Waiter(this, tenantId, completion);
    }

    public void Notify(string tenantId)
    {
        if (_waiters.TryRemove(tenantId, out var list))
        {
            lock (list)
            {
                foreach (var waiter in list)
                {
                    waiter.TrySetResult();
                }
            }
        }
    }

    void Unregister(string tenantId, TaskCompletionSource completion)
    {
        if (_waiters.TryGetValue(tenantId, out var list))
        {
            lock (list)
            {
                list.Remove(completion);
                if (list.Count == 0)
                {
                    _waiters.TryRemove(new KeyValuePair<string, List<TaskCompletionSource>>(tenantId, list));
                }
            }
        }
    }

    public sealed class Waiter(TenantCompletionNotifier owner, string tenantId, TaskCompletionSource completion) : IDisposable
    {
        /// <summary>True when the tenant reached a final state within the timeout.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await completion.Task.WaitAsync(timeout, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public void Dispose() => owner.Unregister(tenantId, completion);
    }
}
