namespace MechanicBuddy.Contracts.Http;

/// <summary>Seed: the result's resources block. Shared tenants carry the string "shared" where a dedicated one has a number.</summary>
public record TenantResources
{
    public required object PostgresInstances { get; init; }
    public required object PostgresStorage { get; init; }
    public required object ApiReplicas { get; init; }
    public required object WebReplicas { get; init; }
    public required int MechanicLimit { get; init; }
    public required bool BackupEnabled { get; init; }
}
