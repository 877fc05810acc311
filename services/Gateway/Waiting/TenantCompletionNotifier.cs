using System.Collections.Concurrent;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Api;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Gateway.Waiting;

/// <summary>
/// Lets a request that asked for <c>Prefer: wait</c> sleep until its tenant's lifecycle event arrives, instead of
/// polling the registry. A waiter registers before the command is sent, so even an instant completion is not missed.
/// At most Gateway:Limits:MaxOpenWaits wait at once; past that a request does not wait. A signup's completion event
/// carries the registry's result, which the waiter hands back so the answer needs no read-back.
/// </summary>
public sealed class TenantCompletionNotifier(IOptions<GatewayLimitsOptions> limits)
{
    readonly ConcurrentDictionary<string, List<TaskCompletionSource<TenantProvisioningResult?>>> _waiters = new(StringComparer.Ordinal);
    int _open;

    /// <summary>Requests waiting right now.</summary>
    public int OpenWaits => Volatile.Read(ref _open);

    /// <summary>A waiter for the tenant's next lifecycle event, or null when too many requests already wait (answer without waiting).</summary>
    public Waiter? TryRegister(string tenantId)
    {
        if (Interlocked.Increment(ref _open) > limits.Value.MaxOpenWaits)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }
        var completion = new TaskCompletionSource<TenantProvisioningResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var list = _waiters.GetOrAdd(tenantId, _ => []);
        lock (list)
        {
            list.Add(completion);
        }
        return new Waiter(this, tenantId, completion);
    }

    /// <param name="result">The signup's result as the event carried it, when it carried one.</param>
    public void Notify(string tenantId, TenantProvisioningResult? result = null)
    {
        if (_waiters.TryRemove(tenantId, out var list))
        {
            lock (list)
            {
                foreach (var waiter in list)
                {
                    waiter.TrySetResult(result);
                }
            }
        }
    }

    void Unregister(string tenantId, TaskCompletionSource<TenantProvisioningResult?> completion)
    {
        Interlocked.Decrement(ref _open);
        if (_waiters.TryGetValue(tenantId, out var list))
        {
            lock (list)
            {
                list.Remove(completion);
                if (list.Count == 0)
                {
                    _waiters.TryRemove(new KeyValuePair<string, List<TaskCompletionSource<TenantProvisioningResult?>>>(tenantId, list));
                }
            }
        }
    }

    public sealed class Waiter(TenantCompletionNotifier owner, string tenantId, TaskCompletionSource<TenantProvisioningResult?> completion) : IDisposable
    {
        /// <summary>The result the completion event carried (null before it, or when the event carried none).</summary>
        public TenantProvisioningResult? Result => completion.Task.IsCompletedSuccessfully ? completion.Task.Result : null;

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
