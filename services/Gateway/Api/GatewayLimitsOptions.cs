using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// Section <c>Gateway:Limits</c>: what one client may ask of the Gateway, so a leaked token or a runaway script cannot
/// flood the control plane with signups, huge bodies or requests parked on <c>Prefer: wait</c>.
/// </summary>
public sealed class GatewayLimitsOptions
{
    public const string Section = "Gateway:Limits";

    /// <summary>Signups per minute per client (token subject, else address); the next one is a 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int SignupsPerMinutePerClient { get; set; } = 30;

    /// <summary>Largest request body; a signup is well under 2 KB. Larger is a 413.</summary>
    [Range(1_024, 10_000_000)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Requests that may wait (Prefer: wait) at once in this Gateway; past it a request is answered at once (202 and
    /// a Location to poll), as RFC 7240 lets a server decline a preference.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxOpenWaits { get; set; } = 256;

    /// <summary>Event streams (GET /api/events) open at once per token subject; the next is a 429. Each polls the registry.</summary>
    [Range(1, 10_000)]
    public int MaxEventStreamsPerSubject { get; set; } = 8;

    /// <summary>Event streams open at once in this Gateway, whoever holds them.</summary>
    [Range(1, 100_000)]
    public int MaxEventStreams { get; set; } = 200;
}
