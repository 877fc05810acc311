namespace MechanicBuddy.Contracts;

/// <summary>Worker → registry: a tenant's migration stopped; its schema is at <see cref="Version"/> (the last script that finished).</summary>
public record TenantSchemaMigrationFailed
{
    public required Guid RolloutId { get; init; }
    public required string TenantId { get; init; }
    public required string DeploymentMode { get; init; }
    public required int Attempt { get; init; }
    /// <summary>Null when the tenant's database could not be reached (nothing ran).</summary>
    public int? Version { get; init; }
    /// <summary>The script that failed, or null when the tenant's database could not be reached at all.</summary>
    public string? Script { get; init; }
    /// <summary>The real error (PostgreSQL's message and SQLSTATE).</summary>
    public required string Error { get; init; }
    /// <summary>Worth trying again later, not a fault of the migration: the shop held its locks past the timeout, or its database was briefly away.</summary>
    public required bool Busy { get; init; }
    public required long DurationMs { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
}
