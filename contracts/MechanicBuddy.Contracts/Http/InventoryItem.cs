namespace MechanicBuddy.Contracts.Http;

/// <summary>One piece of real infrastructure a worker found that belongs to (or is named for) a tenant.</summary>
public record InventoryItem
{
    /// <summary>"schema", "role", "route", "secret", "instance", "namespace", or <see cref="SchemaVersionKind"/>.</summary>
    public required string Kind { get; init; }
    public required string TenantId { get; init; }
    /// <summary>Where: the pool, the instances directory, the cluster.</summary>
    public required string Location { get; init; }
    public string? Detail { get; init; }

    /// <summary>Not a piece but a fact about one: a shop's schema version as its own journal says (Detail: the number).</summary>
    public const string SchemaVersionKind = "schema-version";

    /// <summary>
    /// Whether an inventory reads this shop's version: <c>?versions=*</c> every shop's, <c>?versions=ID</c> that one's,
    /// none without it (each read is a login into the shop, too slow to do for 10,000 on every check).
    /// </summary>
    public static bool WantsVersion(string? versions, string tenantId) => versions == "*" || versions == tenantId;

    /// <summary>
    /// Where a <see cref="SchemaVersionKind"/> fact is reported: a shared shop's pool, or the tenant's own database. A
    /// tenant in a tier change's grace period has both; the check compares the side its record says it is on.
    /// </summary>
    public static string VersionLocation(string? deploymentMode, string? pool) => deploymentMode == "shared" ? $"pool {pool}" : "own database";
}

/// <summary>What one worker sees on its infrastructure.</summary>
public record Inventory
{
    public required string Source { get; init; }
    /// <summary>Whose pieces this worker answers for ("shared" or "dedicated"): only then can one be called missing.</summary>
    public string? DeploymentMode { get; init; }
    public required IReadOnlyList<InventoryItem> Items { get; init; }
}
