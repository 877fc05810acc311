namespace MechanicBuddy.Contracts.Http;

/// <summary>The registry compared with the real infrastructure: pieces a tenant should have and lacks, and pieces nobody should have.</summary>
public record DriftReport
{
    public required DateTimeOffset CheckedAt { get; init; }
    /// <summary>True when nothing is missing, nothing is orphaned, no shop's schema version differs from its record, and every worker answered.</summary>
    public required bool Clean { get; init; }
    public required int TenantsChecked { get; init; }
    /// <summary>Pieces an Active tenant should have and does not.</summary>
    public required IReadOnlyList<DriftFinding> Missing { get; init; }
    /// <summary>Pieces of tenants that are unknown, Failed or Deprovisioned (should have been removed).</summary>
    public required IReadOnlyList<DriftFinding> Orphaned { get; init; }
    /// <summary>Settled tenants whose shop's journal is at another version than the Tenant record says (Detail: both).</summary>
    public IReadOnlyList<DriftFinding> VersionMismatches { get; init; } = [];
    /// <summary>Tenants in a transitional state, not judged.</summary>
    public required IReadOnlyList<string> InProgress { get; init; }
    /// <summary>Workers that did not answer: the report is then incomplete.</summary>
    public required IReadOnlyList<string> Unreachable { get; init; }
}

public record DriftFinding
{
    public required string TenantId { get; init; }
    /// <summary>The tenant's status in the registry, or null when the registry does not know it.</summary>
    public string? Status { get; init; }
    public required string Kind { get; init; }
    public required string Location { get; init; }
    public string? Detail { get; init; }
}
