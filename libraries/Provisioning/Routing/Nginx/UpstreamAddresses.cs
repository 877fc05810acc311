using System.Net;
using System.Net.Sockets;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>
/// Turns an upstream's host name into the address nginx is to connect to. The edge takes its upstreams from a map
/// variable, and nginx resolves a name there only through a "resolver" it may not have; an address written into the
/// route needs none. A name that moves is picked up the next time the route is written (drift repair rewrites it).
/// </summary>
public static class UpstreamAddresses
{
    /// <summary>The route with both of its upstreams pinned.</summary>
    public static async Task<TenantRoute> PinAsync(TenantRoute route, CancellationToken cancellationToken) => route with
    {
        WebUpstream = await PinAsync(route.WebUpstream, cancellationToken),
        ApiUpstream = await PinAsync(route.ApiUpstream, cancellationToken),
    };

    public static async Task<Uri> PinAsync(Uri upstream, CancellationToken cancellationToken)
    {
        if (upstream.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || !upstream.IsAbsoluteUri)
        {
            return upstream;
        }
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(upstream.Host, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new ArgumentException($"upstream host '{upstream.Host}' does not resolve: {ex.Message}", nameof(upstream), ex);
        }
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"upstream host '{upstream.Host}' has no address", nameof(upstream));
        return new UriBuilder(upstream) { Host = address.ToString() }.Uri;
    }
}
