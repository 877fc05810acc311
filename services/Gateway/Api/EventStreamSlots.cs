using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// Counts the event streams open in this Gateway, in all and per token subject, so a script (or a Viewer's token)
/// opening streams in a loop cannot make the Gateway poll the registry without bound.
/// </summary>
public sealed class EventStreamSlots(IOptions<GatewayLimitsOptions> limits)
{
    readonly ConcurrentDictionary<string, int> _bySubject = new(StringComparer.Ordinal);
    int _open;

    /// <summary>A slot for the subject's stream, or null when it or the Gateway has as many open as allowed.</summary>
    public IDisposable? TryTake(string subject)
    {
        if (Interlocked.Increment(ref _open) > limits.Value.MaxEventStreams)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }
        var mine = _bySubject.AddOrUpdate(subject, 1, (_, n) => n + 1);
        if (mine > limits.Value.MaxEventStreamsPerSubject)
        {
            Release(subject);
            return null;
        }
        return new Slot(this, subject);
    }

    void Release(string subject)
    {
        _bySubject.AddOrUpdate(subject, 0, (_, n) => n - 1);
        _bySubject.TryRemove(new KeyValuePair<string, int>(subject, 0));
        Interlocked.Decrement(ref _open);
    }

    sealed class Slot(EventStreamSlots slots, string subject) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(subject);
            }
        }
    }
}
