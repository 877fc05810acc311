namespace MechanicBuddy.Contracts.Http;

/// <summary><c>GET /api/pools</c>: the shared tier's pools and the servers it grows on, with their occupancy.</summary>
public record SharedPoolsReport
{
    public required IReadOnlyList<SharedPoolDto> Pools { get; init; }
    public required IReadOnlyList<SharedServerDto> Servers { get; init; }
    /// <summary>Pools taking tenants now (ready, not draining, not full); the control plane keeps at least the configured headroom.</summary>
    public required int PoolsWithRoom { get; init; }
}

public record SharedPoolDto
{
    public required string Name { get; init; }
    /// <summary>The server it was created on, or "configured" for a pool listed in configuration.</summary>
    public required string Server { get; init; }
    /// <summary>"Preparing" (its database is being made; takes no tenants) or "Ready".</summary>
    public required string State { get; init; }
    public required bool Draining { get; init; }
    public required int Capacity { get; init; }
    public required int Tenants { get; init; }
    /// <summary>The last preparation's error, while it is not ready.</summary>
    public string? Error { get; init; }
}

public record SharedServerDto
{
    public required string Name { get; init; }
    public required int MaxPools { get; init; }
    public required int Pools { get; init; }
    public required int Tenants { get; init; }
}
