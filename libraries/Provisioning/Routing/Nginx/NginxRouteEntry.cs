using System.Net;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>
/// Renders one tenant's route: a line per host name for the edge's <c>map $host $mb_route</c> (see scripts/infra.sh),
/// whose value is "TENANT STATE API WEB". One server block serves every tenant from that map, so a reload hashes a
/// line per host instead of parsing a server block per tenant: the reload's cost stays flat as the fleet grows. The
/// lines live in the tenant's bucket file (<see cref="NginxRouteTable"/>). Every interpolated value is validated here,
/// so no input can add an entry or a directive.
/// </summary>
public static class NginxRouteEntry
{
    /// <summary>Answered by nginx itself, so the provisioner can see a route is live without the shared backend.</summary>
    public const string ProbePath = "/.well-known/mechanicbuddy/route";

    /// <summary>What the probe path answers: the tenant id, marked when the route is suspended, so a reload is seen to have landed.</summary>
    public static string ProbeBody(string tenantId, bool suspended) => suspended ? $"{tenantId} suspended" : tenantId;

    /// <summary>The route's map lines, its main host name first (the one the probe asks for).</summary>
    public static IReadOnlyList<string> Render(TenantRoute route)
    {
        var tenantId = TenantIds.Require(route.TenantId);
        var state = route.Suspended ? "suspended" : "active";
        var value = $"{tenantId} {state} {RequireUpstream(route.ApiUpstream)} {RequireUpstream(route.WebUpstream)}";
        return route.AllHostnames.Select(host => $"{RequireHostname(host)} \"{value}\";").ToList();
    }

    /// <summary>
    /// Lower-case labels of letters, digits and inner hyphens, at least two of them (a single word could be one of the
    /// map's own keywords, "default" or "include", and change what every unknown host gets), the last not all digits
    /// (an IPv4 address is no tenant's host).
    /// </summary>
    static string RequireHostname(string hostname)
    {
        var labels = hostname.Split('.');
        var ok = hostname.Length <= 253 && labels.Length >= 2 && labels.All(l => l.Length is > 0 and <= 63
            && l.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && l[0] != '-' && l[^1] != '-')
            && !labels[^1].All(char.IsAsciiDigit);
        return ok ? hostname : throw new ArgumentException($"'{hostname}' is not a valid host name", nameof(hostname));
    }

    /// <summary>
    /// An http(s) origin whose host is an IP address: the edge's proxy_pass takes the upstream from a variable, and nginx
    /// resolves a name in a variable only through a configured resolver, so the driver pins the address when it writes
    /// the route (see <see cref="NginxRouteDriver"/>).
    /// </summary>
    static string RequireUpstream(Uri upstream)
    {
        if (!upstream.IsAbsoluteUri || upstream.Scheme is not ("http" or "https") || upstream.PathAndQuery != "/" || !string.IsNullOrEmpty(upstream.UserInfo))
        {
            throw new ArgumentException($"'{upstream}' must be an http(s) origin without path", nameof(upstream));
        }
        if (upstream.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6) || !IPAddress.TryParse(upstream.Host.Trim('[', ']'), out _))
        {
            throw new ArgumentException($"'{upstream}' must name its host by IP address (the driver resolves names before rendering)", nameof(upstream));
        }
        return $"{upstream.Scheme}://{upstream.Host}:{upstream.Port}";
    }
}
