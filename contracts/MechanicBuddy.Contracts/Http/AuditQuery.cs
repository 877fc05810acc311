namespace MechanicBuddy.Contracts.Http;

/// <summary><c>GET /api/audit</c>: newest first; filters combine; page with <see cref="After"/> (the X-Next-Cursor of the page before).</summary>
public record AuditQuery
{
    public string? Subject { get; init; }
    public string? Action { get; init; }
    public string? TenantId { get; init; }
    public string? Outcome { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public int? Limit { get; init; }
    public long? After { get; init; }
}
