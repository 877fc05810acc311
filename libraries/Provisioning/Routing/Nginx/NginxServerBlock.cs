using System.Text;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>Renders one tenant's server block. Every interpolated value is validated here, so no input can add directives.</summary>
public static class NginxServerBlock
{
    /// <summary>Answered by nginx itself, so the provisioner can see a route is live without the shared backend.</summary>
    public const string ProbePath = "/.well-known/mechanicbuddy/route";

    public static string FileName(string tenantId) => $"tenant-{TenantIds.Require(tenantId)}.conf";

    /// <summary>What the probe path answers: the tenant id, marked when the route is suspended, so a reload is seen to have landed.</summary>
    public static string ProbeBody(string tenantId, bool suspended) => suspended ? $"{tenantId} suspended" : tenantId;

    public static string Render(TenantRoute route, string listenAddress, int listenPort)
    {
        var tenantId = TenantIds.Require(route.TenantId);
        var hosts = string.Join(' ', route.AllHostnames.Select(RequireHostname));
        var web = RequireUpstream(route.WebUpstream);
        var api = RequireUpstream(route.ApiUpstream);
        var sb = new StringBuilder();
        sb.Append("# MechanicBuddy tenant route: ").Append(tenantId).Append(" (written by MechanicBuddy provisioning; do not edit)\n");
        sb.Append("server {\n");
        sb.Append("    listen ").Append(listenAddress).Append(':').Append(listenPort).Append(";\n");
        sb.Append("    server_name ").Append(hosts).Append(";\n");
        sb.Append("    location = ").Append(ProbePath).Append(" {\n");
        sb.Append("        default_type text/plain;\n");
        sb.Append("        return 200 \"").Append(ProbeBody(tenantId, route.Suspended)).Append("\";\n");
        sb.Append("    }\n");
        if (route.Suspended)
        {
            // Nothing reaches the shop: the data stays where it is, untouched, until the tenant is resumed.
            sb.Append("    location / {\n");
            sb.Append("        default_type application/problem+json;\n");
            sb.Append("        add_header Retry-After 3600 always;\n");
            sb.Append("        return 503 '{\"title\":\"This workshop is suspended\",\"status\":503}';\n");
            sb.Append("    }\n");
        }
        else
        {
            AppendLocation(sb, "/api/", api, tenantId);
            AppendLocation(sb, "/", web, tenantId);
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    static void AppendLocation(StringBuilder sb, string path, string upstream, string tenantId)
    {
        sb.Append("    location ").Append(path).Append(" {\n");
        sb.Append("        proxy_pass ").Append(upstream).Append(";\n");
        sb.Append("        proxy_set_header Host $host;\n");
        // proxy_set_header replaces whatever X-Tenant-ID the client sent: the backend trusts this header from us only.
        sb.Append("        proxy_set_header X-Tenant-ID \"").Append(tenantId).Append("\";\n");
        sb.Append("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n");
        sb.Append("        proxy_set_header X-Forwarded-Proto $scheme;\n");
        sb.Append("        proxy_set_header X-Forwarded-Host $host;\n");
        sb.Append("    }\n");
    }

    static string RequireHostname(string hostname)
    {
        var labels = hostname.Split('.');
        var ok = hostname.Length <= 253 && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
            && l[0] != '-' && l[^1] != '-');
        return ok ? hostname : throw new ArgumentException($"'{hostname}' is not a valid host name", nameof(hostname));
    }

    static string RequireUpstream(Uri upstream)
    {
        if (!upstream.IsAbsoluteUri || upstream.Scheme is not ("http" or "https") || upstream.PathAndQuery != "/" || !string.IsNullOrEmpty(upstream.UserInfo))
        {
            throw new ArgumentException($"'{upstream}' must be an http(s) origin without path", nameof(upstream));
        }
        RequireHostname(upstream.Host.ToLowerInvariant());
        return $"{upstream.Scheme}://{upstream.Host.ToLowerInvariant()}:{upstream.Port}";
    }
}
