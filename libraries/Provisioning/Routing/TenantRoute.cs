namespace MechanicBuddy.Provisioning.Routing;

/// <summary>Host → Web ("/") and API ("/api"), with X-Tenant-ID set to TenantId whatever the client sent.</summary>
public sealed record TenantRoute(string TenantId, string Hostname, Uri WebUpstream, Uri ApiUpstream)
{
    /// <summary>Further names served by the same route: a dedicated tenant's custom domain.</summary>
    public IReadOnlyList<string> AliasHostnames { get; init; } = [];

    /// <summary>A suspended tenant's route stays, but answers 503 instead of reaching the shop (data untouched).</summary>
    public bool Suspended { get; init; }

    public IReadOnlyList<string> AllHostnames => [Hostname, .. AliasHostnames.Where(a => !string.Equals(a, Hostname, StringComparison.OrdinalIgnoreCase))];
}
