namespace MechanicBuddy.ServiceDefaults;

/// <summary>
/// Whether the bus has been unhealthy for longer than the limit without a break. The first connection after start may
/// take a while (the broker may be starting too), so the clock runs only once the bus has been healthy.
/// </summary>
public sealed class StuckBusClock(TimeSpan limit)
{
    DateTime? _unhealthySince;
    bool _wasHealthy;

    public bool Observe(bool healthy, DateTime now)
    {
        if (healthy)
        {
            _wasHealthy = true;
            _unhealthySince = null;
            return false;
        }
        if (!_wasHealthy)
        {
            return false;
        }
        _unhealthySince ??= now;
        return now - _unhealthySince > limit;
    }
}
