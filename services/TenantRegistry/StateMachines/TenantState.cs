using System.Text.Json.Serialization;
using MassTransit;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>One tenant's provisioning saga. It is also the registry's Tenant record (the seed's Tenant fields), so the two cannot drift.</summary>
public sealed class TenantState : SagaStateMachineInstance, ISagaVersion, IHasOutbox
{
    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";

    public string TenantId { get; set; } = "";
    public string CompanyName { get; set; } = "";
    public string SubscriptionTier { get; set; } = "";
    public string OwnerEmail { get; set; } = "";
    public string? CustomDomain { get; set; }
    /// <summary>The Gateway's keyed hash of the signup's Idempotency-Key, if it had one.</summary>
    public string? IdempotencyKey { get; set; }
    /// <summary>Kept so a retried provisioning can seed the same admin; a hash, never the password.</summary>
    public string AdminPasswordHash { get; set; } = "";

    public string? DeploymentMode { get; set; }
    /// <summary>Dedicated tenants only: "kubernetes" or "single-host".</summary>
    public string? Platform { get; set; }
    public string? Namespace { get; set; }
    public string? HelmRelease { get; set; }
    public string? TenantUrl { get; set; }
    public string? ApiUrl { get; set; }
    public string? Pool { get; set; }
    public string? Schema { get; set; }
    /// <summary>The shop schema version of the side serving the tenant (see <see cref="MechanicBuddy.Contracts.TenantSideBuilt.SchemaVersion"/>).</summary>
    public int? SchemaVersion { get; set; }

    public string? FailedStep { get; set; }
    public string? FailureReason { get; set; }

    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? ProvisionedAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public DateTimeOffset? DeprovisionedAt { get; set; }
    /// <summary>While Suspended: since when, and the operator's reason.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
    public string? SuspendReason { get; set; }

    /// <summary>Tier changes so far; numbers the commands of each, so a late message of an older one is recognised.</summary>
    public int TierChangeCount { get; set; }
    /// <summary>During a tier change: the tier asked for and the side being built for it.</summary>
    public string? TargetTier { get; set; }
    public TenantSide? Target { get; set; }
    /// <summary>During a rollback: what is still to be undone ("target", "unfreeze", "route"; the route only once the target is gone).</summary>
    public List<string> RollbackPending { get; set; } = [];
    /// <summary>Why the last tier change was rolled back (cleared by the next one).</summary>
    public string? TierChangeError { get; set; }
    /// <summary>After a tier change: the old side, read-only, removed once <see cref="RetireAt"/> passes.</summary>
    public TenantSide? Retired { get; set; }
    public DateTimeOffset? RetireAt { get; set; }

    /// <summary>While provisioning: when the registry gives up on it (Provisioning:Timeouts).</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>Set when the deadline passed: a late completion from the worker is then removed again.</summary>
    public bool TimedOut { get; set; }

    /// <summary>How many times an operator retried a failed provisioning.</summary>
    public int RetryCount { get; set; }

    /// <summary>Set by admission when the signup is refused; such a saga is finalized and never stored.</summary>
    public string? RejectionCode { get; set; }
    public string? RejectionReason { get; set; }

    /// <summary>Messages decided while handling the current message; stored with this state by the repository, never serialized into it.</summary>
    [JsonIgnore]
    public List<OutboxMessage> PendingMessages { get; } = [];
}
