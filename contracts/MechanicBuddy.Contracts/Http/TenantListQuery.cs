namespace MechanicBuddy.Contracts.Http;

/// <summary>
/// <c>GET /api/tenants</c>: which tenants, newest first. Every filter is optional and they combine. Page with
/// <see cref="After"/> (the <c>X-Next-Cursor</c> of the page before), which costs the same on the last page of 10,000
/// as on the first; <see cref="Offset"/> is kept for small lists and older callers.
/// </summary>
public record TenantListQuery
{
    public string? Status { get; init; }
    public string? Tier { get; init; }
    public string? Pool { get; init; }
    public string? DeploymentMode { get; init; }
    /// <summary>A tenant id's beginning, or part of the company name (any case).</summary>
    public string? Q { get; init; }
    public int? Limit { get; init; }
    public int? Offset { get; init; }
    public string? After { get; init; }

    /// <summary>The response header holding the cursor of the next page; absent on the last page.</summary>
    public const string NextCursorHeader = "X-Next-Cursor";
}
