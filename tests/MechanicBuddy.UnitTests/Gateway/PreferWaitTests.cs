using MechanicBuddy.Gateway.Api;
using Microsoft.AspNetCore.Http;

namespace MechanicBuddy.UnitTests.Gateway;

public sealed class PreferWaitTests
{
    [Theory]
    [InlineData("wait=5", 5)]
    [InlineData("respond-async, wait=10", 10)]
    [InlineData("WAIT=\"3\"", 3)]
    [InlineData("wait=100000", 120)]
    [InlineData("wait=0", null)]
    [InlineData("wait=-1", null)]
    [InlineData("wait=soon", null)]
    [InlineData("return=minimal", null)]
    public void Prefer_wait_is_read_per_rfc_7240_and_capped(string header, int? seconds)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["Prefer"] = header;

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, PreferWait.From(context.Request));
    }
}
