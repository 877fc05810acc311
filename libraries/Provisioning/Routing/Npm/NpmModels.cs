using System.Text.Json.Serialization;

namespace MechanicBuddy.Provisioning.Routing.Npm;

public sealed record NpmTokenRequest(
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("secret")] string Secret);

/// <summary>A login's answer: a token, or (an account with two-factor login) only a challenge and no token.</summary>
public sealed record NpmToken(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("requires_2fa")] bool RequiresTwoFactor = false);

public sealed record NpmProxyHost
{
    [JsonPropertyName("id")] public int Id { get; init; }
    [JsonPropertyName("domain_names")] public List<string> DomainNames { get; init; } = [];
    [JsonPropertyName("forward_host")] public string? ForwardHost { get; init; }
    [JsonPropertyName("forward_port")] public int ForwardPort { get; init; }
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
    [JsonPropertyName("locations")] public List<NpmLocation>? Locations { get; init; }
    /// <summary>NPM saves a host even when nginx rejects its config; this says whether nginx took it.</summary>
    [JsonPropertyName("meta")] public NpmHostMeta? Meta { get; init; }
}

public sealed record NpmHostMeta
{
    [JsonPropertyName("nginx_online")] public bool? NginxOnline { get; init; }
    [JsonPropertyName("nginx_err")] public string? NginxError { get; init; }
}

/// <summary>Only fields of the proxy-host schema: it rejects unknown ones (additionalProperties: false).</summary>
public sealed record NpmProxyHostRequest
{
    [JsonPropertyName("domain_names")] public required List<string> DomainNames { get; init; }
    [JsonPropertyName("forward_scheme")] public required string ForwardScheme { get; init; }
    [JsonPropertyName("forward_host")] public required string ForwardHost { get; init; }
    [JsonPropertyName("forward_port")] public required int ForwardPort { get; init; }
    [JsonPropertyName("certificate_id")] public int CertificateId { get; init; }
    [JsonPropertyName("ssl_forced")] public bool SslForced { get; init; }
    [JsonPropertyName("http2_support")] public bool Http2Support { get; init; }
    [JsonPropertyName("block_exploits")] public bool BlockExploits { get; init; } = true;
    [JsonPropertyName("allow_websocket_upgrade")] public bool AllowWebsocketUpgrade { get; init; } = true;
    [JsonPropertyName("caching_enabled")] public bool CachingEnabled { get; init; }
    [JsonPropertyName("advanced_config")] public string AdvancedConfig { get; init; } = "";
    [JsonPropertyName("locations")] public required List<NpmLocation> Locations { get; init; }
}

public sealed record NpmLocation
{
    [JsonPropertyName("path")] public required string Path { get; init; }
    [JsonPropertyName("forward_scheme")] public required string ForwardScheme { get; init; }
    [JsonPropertyName("forward_host")] public required string ForwardHost { get; init; }
    [JsonPropertyName("forward_port")] public required int ForwardPort { get; init; }
    [JsonPropertyName("advanced_config")] public string AdvancedConfig { get; init; } = "";
}

public sealed record NpmError([property: JsonPropertyName("error")] NpmErrorBody Error);

public sealed record NpmErrorBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);
