namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>Seed: <c>Provisioning:TierResourceLimits:{tier}</c>.</summary>
public sealed class TierResourceLimits
{
    public int PostgresInstances { get; set; }
    public string PostgresStorage { get; set; } = "";
    public string PostgresMemory { get; set; } = "";
    public int ApiReplicas { get; set; }
    public string ApiMemory { get; set; } = "";
    public int WebReplicas { get; set; }
    public string WebMemory { get; set; } = "";
    /// <summary>-1 is unlimited.</summary>
    public int MechanicLimit { get; set; }
    public bool BackupEnabled { get; set; }
    public string? BackupRetention { get; set; }
}
