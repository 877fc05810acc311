using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Provisioning.Routing;

/// <summary>Section <c>Routing</c>: which edge the shared tier's routes go to.</summary>
public sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>"nginx" (local nginx, a map line per tenant host) or "npm" (Nginx Proxy Manager's REST API).</summary>
    [Required, RegularExpression("^(nginx|npm)$")]
    public string Driver { get; set; } = "nginx";

    public NginxRoutingOptions Nginx { get; set; } = new();
    public NpmRoutingOptions Npm { get; set; } = new();
}

public sealed class NginxRoutingOptions
{
    /// <summary>nginx's prefix directory (-p) and main config (-c) of the instance whose edge map includes RoutesDirectory/bucket-*.map.</summary>
    public string Prefix { get; set; } = "var/nginx";
    public string ConfigFile { get; set; } = "var/nginx/nginx.conf";
    public string RoutesDirectory { get; set; } = "var/nginx/routes";
    /// <summary>The master's pid file, relative to Prefix (the "pid" directive of the main config).</summary>
    public string PidFile { get; set; } = "nginx.pid";
    public string Binary { get; set; } = "nginx";
    public string ListenAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int ListenPort { get; set; } = 8480;

    /// <summary>How long to wait for a reloaded route to answer before the step fails.</summary>
    [Range(1, 120)]
    public int VerifyTimeoutSeconds { get; set; } = 10;

    /// <summary>How long a writer waits for another to finish with a route bucket: long enough for its reload and a rollback's.</summary>
    public TimeSpan BucketLockTimeout => TimeSpan.FromSeconds(VerifyTimeoutSeconds * 3);
}

public sealed class NpmRoutingOptions
{
    public string BaseUrl { get; set; } = "http://nginx-proxy-manager:81";
    /// <summary>A service account without two-factor login.</summary>
    public string Identity { get; set; } = "";
    public string Secret { get; set; } = "";
    /// <summary>An existing (wildcard) certificate to attach; none means plain HTTP. Per-host Let's Encrypt requests are avoided (rate limits).</summary>
    public int? CertificateId { get; set; }
}
