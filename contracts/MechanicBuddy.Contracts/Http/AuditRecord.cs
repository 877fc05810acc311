namespace MechanicBuddy.Contracts.Http;

/// <summary>One operator action through the Gateway, accepted or refused: who, what, which tenant, when, from where.</summary>
public record AuditRecord
{
    /// <summary>Set by the registry when the record is written.</summary>
    public long Id { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    /// <summary>The token's subject, or "anonymous" when no valid token came with the request.</summary>
    public required string Subject { get; init; }
    public string? Role { get; init; }
    /// <summary>The endpoint's name, e.g. SuspendTenant, CreateTenant, MintToken.</summary>
    public required string Action { get; init; }
    public string? TenantId { get; init; }
    /// <summary>What else the action named: a pool, a fleet migration, a minted token's subject.</summary>
    public string? Target { get; init; }
    public required string RequestId { get; init; }
    public string? ClientAddress { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required int Status { get; init; }
    /// <summary>accepted (2xx/3xx), refused (4xx/5xx answered), or error (the answer broke off; the change may have been made).</summary>
    public required string Outcome { get; init; }
    /// <summary>Why it was refused: the problem's title and detail, or the validation errors.</summary>
    public string? Reason { get; init; }

    public const string Accepted = "accepted";
    public const string Refused = "refused";
    public const string Error = "error";
    public const string Anonymous = "anonymous";
}
