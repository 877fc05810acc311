namespace MechanicBuddy.Contracts;

/// <summary>Saga → Gateway: the tier change was admitted (a shared slot reserved for a downgrade) and has started, or, within one path, is done.</summary>
public record TenantTierChangeAccepted
{
    public required string TenantId { get; init; }
    public required string OldTier { get; init; }
    public required string NewTier { get; init; }
    /// <summary>True when the data moves to the other path (a migration runs); false for a change within the shared path (recorded at once).</summary>
    public required bool Migrates { get; init; }
}
