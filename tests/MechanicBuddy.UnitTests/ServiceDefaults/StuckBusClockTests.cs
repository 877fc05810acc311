using MechanicBuddy.ServiceDefaults;

namespace MechanicBuddy.UnitTests.ServiceDefaults;

public sealed class StuckBusClockTests
{
    static readonly DateTime T0 = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_bus_unhealthy_past_the_limit_after_being_healthy_is_stuck()
    {
        var clock = new StuckBusClock(TimeSpan.FromSeconds(45));

        Assert.False(clock.Observe(healthy: true, T0));
        Assert.False(clock.Observe(healthy: false, T0.AddSeconds(2)));
        Assert.False(clock.Observe(healthy: false, T0.AddSeconds(47)));
        Assert.True(clock.Observe(healthy: false, T0.AddSeconds(48)));
    }

    [Fact]
    public void A_reconnect_restarts_the_clock()
    {
        var clock = new StuckBusClock(TimeSpan.FromSeconds(45));
        clock.Observe(healthy: true, T0);
        clock.Observe(healthy: false, T0.AddSeconds(1));

        Assert.False(clock.Observe(healthy: true, T0.AddSeconds(40)));
        Assert.False(clock.Observe(healthy: false, T0.AddSeconds(41)));
        Assert.False(clock.Observe(healthy: false, T0.AddSeconds(80)));
        Assert.True(clock.Observe(healthy: false, T0.AddSeconds(87)));
    }

    [Fact]
    public void A_bus_that_never_connected_since_start_is_left_to_connect()
    {
        var clock = new StuckBusClock(TimeSpan.FromSeconds(45));

        Assert.False(clock.Observe(healthy: false, T0));
        Assert.False(clock.Observe(healthy: false, T0.AddMinutes(10)));
    }
}
