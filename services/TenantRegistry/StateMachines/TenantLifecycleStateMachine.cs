using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.Infrastructure;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// A tenant from signup to removal. Admission (duplicate shop, path, shared capacity) happens before anything is
/// built, and the Gateway hears Accepted or Rejected only after the saga is stored (in-memory outbox), so a status
/// query right after acceptance always finds the tenant. Commands to the workers and lifecycle events go through the
/// transactional outbox: they are committed with the state change that decided them.
/// </summary>
public sealed partial class TenantLifecycleStateMachine : MassTransitStateMachine<TenantState>
{
    public State Provisioning { get; private set; } = null!;
    public State Active { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Deprovisioning { get; private set; } = null!;
    /// <summary>Timed out: what was built is being removed; Failed follows once the worker confirms.</summary>
    public State Compensating { get; private set; } = null!;
    public State Deprovisioned { get; private set; } = null!;

    public Event<ProvisionTenant> ProvisionRequested { get; private set; } = null!;
    public Event<DeprovisionTenant> DeprovisionRequested { get; private set; } = null!;
    /// <summary>A worker's answers about one side of the tenant (which side: <see cref="TenantSideRoles"/>, see <see cref="WorkerAnswers"/>).</summary>
    public Event<TenantSideBuilt> SideBuilt { get; private set; } = null!;
    public Event<TenantSideBuildFailed> SideBuildFailed { get; private set; } = null!;
    public Event<TenantSideRemoved> SideRemoved { get; private set; } = null!;
    public Event<TenantDeadlinePassed> DeadlinePassed { get; private set; } = null!;
    public Event<TenantRemovalOverdue> RemovalOverdue { get; private set; } = null!;
    public Event<RetryProvisioning> RetryRequested { get; private set; } = null!;

    public TenantLifecycleStateMachine(IOptions<ProvisioningOptions> options)
    {
        InstanceState(x => x.CurrentState);
        Event(() => ProvisionRequested, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => SideBuilt, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => SideBuildFailed, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => SideRemoved, e => e.CorrelateById(c => c.Message.CorrelationId));
        Event(() => RetryRequested, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => DeadlinePassed, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => RemovalOverdue, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => DeprovisionRequested, e =>
        {
            e.CorrelateById(c => c.Message.CorrelationId);
            // Deprovisioning an unknown tenant creates nothing.
            e.OnMissingInstance(m => m.Discard());
        });
        // A late or redelivered event for a state that has moved on changes nothing.
        OnUnhandledEvent(context => context.Ignore());

        Initially(
            When(ProvisionRequested)
                .Then(context => Record(context.Saga, context.Message))
                .ThenAsync(context => AdmitAsync(context, options.Value))
                .IfElse(context => context.Saga.RejectionCode is not null,
                    rejected => rejected
                        .RespondBounded(context => new TenantRequestRejected
                        {
                            TenantId = context.Saga.TenantId,
                            Code = context.Saga.RejectionCode!,
                            Reason = context.Saga.RejectionReason!,
                        })
                        .Finalize(),
                    accepted => accepted
                        .StartBuilding(options.Value.Timeouts)
                        .AppendLog("Accepted", "completed", context => context.Saga.DeploymentMode == DeploymentModes.Shared
                            ? $"{context.Saga.SubscriptionTier} tier → shared path, pool {context.Saga.Pool}"
                            : $"{context.Saga.SubscriptionTier} tier → dedicated path (namespace {context.Saga.Namespace})")
                        .RespondBounded(context => Accepted(context.Saga))
                        .TransitionTo(Provisioning)));

        // The same signup delivered again (redelivery, Gateway retry) gets the same answer and changes nothing.
        // An Idempotency-Key names the same tenant every time, so a key reused for another signup lands here too: refuse it.
        DuringAny(
            When(ProvisionRequested)
                .IfElse(context => SameSignup(context.Saga, context.Message),
                    same => same.RespondBounded(context => Accepted(context.Saga)),
                    different => different.RespondBounded(context => new TenantRequestRejected
                    {
                        TenantId = context.Saga.TenantId,
                        Code = "key-reused",
                        Reason = $"this key already signed up '{context.Saga.CompanyName}' ({context.Saga.OwnerEmail}, {context.Saga.SubscriptionTier}) as tenant {context.Saga.TenantId}",
                    })));

        During(Provisioning,
            When(SideBuilt, context => context.About(TenantSideRoles.Current))
                .Then(context =>
                {
                    var saga = context.Saga;
                    TenantSide.CurrentOf(saga).Record(context.Message).ApplyTo(saga);
                    saga.ProvisionedAt = context.Message.CompletedAt;
                    saga.DeadlineAt = null;
                })
                .AppendSteps(message => message.Steps)
                .If(context => context.Message.DeploymentMode == DeploymentModes.Dedicated, dedicated => dedicated
                    .AppendLog("UpdateTenantRecord", "completed", context =>
                        $"deploymentMode dedicated, namespace {context.Saga.Namespace}, release {context.Saga.HelmRelease ?? "none (single host)"}, {context.Saga.TenantUrl}"))
                .AppendLog("Completed", "completed", context => context.Message.Warnings.Count == 0
                    ? $"tenant active at {context.Saga.TenantUrl}"
                    : $"tenant active at {context.Saga.TenantUrl} with {context.Message.Warnings.Count} warning(s): {string.Join("; ", context.Message.Warnings)}")
                .PublishProvisioned(options.Value)
                .TransitionTo(Active),
            When(SideBuildFailed, context => context.About(TenantSideRoles.Current))
                .Then(context => RecordFailure(context.Saga, context.Message.Step, context.Message.Reason, context.Message.Compensated, context.Message.FailedAt))
                .ReleasePoolSlotWhen(context => context.Message.DeploymentMode == DeploymentModes.Shared)
                .AppendSteps(message => message.Steps)
                .AppendLog("Failed", "failed", context => $"{context.Saga.FailedStep}: {context.Saga.FailureReason}")
                .PublishFailed(options.Value)
                .TransitionTo(Failed),
            When(DeadlinePassed)
                .Then(context =>
                {
                    context.Saga.TimedOut = true;
                    var limit = options.Value.Timeouts.For(context.Saga.DeploymentMode!);
                    RecordFailure(context.Saga, "Timeout", $"provisioning did not finish within {limit.TotalSeconds:0} s (deadline {context.Message.DeadlineAt:u})",
                        compensated: true, context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow());
                })
                .AppendLog("Timeout", "failed", context => $"{context.Saga.FailureReason}; removing everything built")
                .RemoveWhatWasBuilt(options.Value.Timeouts)
                .TransitionTo(Compensating));

        During(Compensating,
            When(SideRemoved, context => context.About(TenantSideRoles.Current))
                .ReleasePoolSlotWhen(context => context.Message.DeploymentMode == DeploymentModes.Shared)
                .AppendLog("Compensate", "compensated", _ => "everything built for the tenant was removed")
                .PublishFailed(options.Value)
                .TransitionTo(Failed),
            When(SideBuildFailed, context => context.About(TenantSideRoles.Current)).AppendSteps(message => message.Steps));

        // A worker that finishes after the deadline built something the tenant no longer owns: remove it again.
        During(Compensating, Failed,
            When(SideBuilt, context => context.Saga.TimedOut && context.About(TenantSideRoles.Current))
                .AppendLog("LateCompletion", "compensated", _ => "the worker finished after the deadline; removing what it built")
                .RemoveWhatWasBuilt(options.Value.Timeouts));

        // An operator's retry of a failed provisioning: the same tenant, the same command, the same idempotent steps
        // (what a partial compensation left is reused; after a full one every step runs again).
        During(Failed,
            When(RetryRequested)
                .ThenAsync(PrepareRetryAsync)
                .IfElse(context => context.Saga.RejectionCode is null,
                    retry => retry
                        .Then(context =>
                        {
                            var saga = context.Saga;
                            saga.RetryCount++;
                            saga.TimedOut = false;
                            saga.FailedStep = null;
                            saga.FailureReason = null;
                            saga.FailedAt = null;
                        })
                        .AppendLog("Retry", "started", context => $"retry {context.Saga.RetryCount} requested by an operator; provisioning again")
                        .StartBuilding(options.Value.Timeouts)
                        .TransitionTo(Provisioning),
                    refused => refused
                        .AppendLog("Retry", "failed", context => $"retry refused: {context.Saga.RejectionReason}")
                        .Then(context => context.Saga.RejectionCode = context.Saga.RejectionReason = null)));

        // A suspended tenant is removed like an active one (its route, suspended or not, goes with it); the old side of
        // a tier change still in its grace period goes too.
        During(Active, Failed, Suspended,
            When(DeprovisionRequested)
                .If(context => context.Saga.Retired is not null, retired => retired.RemoveSide(TenantSideRoles.Retired, options.Value.Timeouts))
                .IfElse(context => context.Saga.Pool is not null || context.Saga.DeploymentMode == DeploymentModes.Dedicated,
                    built => built
                        .RemoveWhatWasBuilt(options.Value.Timeouts)
                        .AppendLog("Deprovision", "started", context => context.Saga.Pool is not null
                            ? $"removing the tenant from pool {context.Saga.Pool}"
                            : $"removing namespace {context.Saga.Namespace} and everything in it")
                        .TransitionTo(Deprovisioning),
                    nothingBuilt => nothingBuilt
                        .Then(context => context.Saga.DeprovisionedAt = context.Message.RequestedAt)
                        .AppendLog("Deprovision", "completed", _ => "nothing was built; tenant closed")
                        .PublishViaOutbox(context => DeprovisionedEvent(context.Saga))
                        .TransitionTo(Deprovisioned)));

        // The old side of a tier change, removed beside the tenant, answers about the retired side (see DefineRetirement).
        During(Deprovisioning,
            When(SideRemoved, context => context.About(TenantSideRoles.Current))
                .Then(context => context.Saga.DeprovisionedAt = context.Message.CompletedAt)
                .ReleasePoolSlotWhen(context => context.Message.DeploymentMode == DeploymentModes.Shared)
                .AppendLog("Deprovisioned", "completed", _ => "tenant removed")
                .PublishViaOutbox(context => DeprovisionedEvent(context.Saga))
                .TransitionTo(Deprovisioned));

        // A removal the worker has not confirmed in time (worker down, command lost with a broker): send it again.
        During(Compensating, Deprovisioning,
            When(RemovalOverdue)
                .AppendLog("RemovalOverdue", "started", context => $"removal not confirmed by {context.Message.DeadlineAt:u}; sending it again")
                .If(context => context.Saga.Retired is not null, retired => retired.RemoveSide(TenantSideRoles.Retired, options.Value.Timeouts))
                .RemoveWhatWasBuilt(options.Value.Timeouts));

        DefineSuspension();
        DefineTierChange(options.Value);

        SetCompletedWhenFinalized();
    }

    static bool SameSignup(TenantState saga, ProvisionTenant message) =>
        ShopKeys.Company(saga.CompanyName) == ShopKeys.Company(message.CompanyName)
        && ShopKeys.Email(saga.OwnerEmail) == ShopKeys.Email(message.OwnerEmail)
        && string.Equals(saga.SubscriptionTier, message.SubscriptionTier, StringComparison.OrdinalIgnoreCase)
        && string.Equals(saga.CustomDomain ?? "", message.CustomDomain ?? "", StringComparison.OrdinalIgnoreCase);

    static void Record(TenantState saga, ProvisionTenant message)
    {
        saga.TenantId = TenantIds.Require(message.TenantId);
        saga.CompanyName = message.CompanyName;
        saga.SubscriptionTier = message.SubscriptionTier;
        saga.OwnerEmail = message.OwnerEmail;
        saga.CustomDomain = message.CustomDomain?.ToLowerInvariant();
        saga.IdempotencyKey = message.IdempotencyKey;
        saga.AdminPasswordHash = message.AdminPasswordHash;
        saga.RequestedAt = message.RequestedAt;
    }

    /// <summary>The seed's Path Decision Flow plus the checks that must precede any building: one live tenant per shop, room in a pool.</summary>
    static async Task AdmitAsync(BehaviorContext<TenantState, ProvisionTenant> context, ProvisioningOptions options)
    {
        var saga = context.Saga;
        var admission = context.GetServiceOrCreateInstance<ITenantAdmission>();
        var duplicate = await admission.FindLiveDuplicateAsync(saga.TenantId, saga.CompanyName, saga.OwnerEmail, context.CancellationToken);
        if (duplicate is not null)
        {
            // A slot this signup may have taken on an earlier attempt of this message goes back.
            await admission.ReleaseSharedSlotAsync(saga.TenantId, context.CancellationToken);
            Reject(saga, "duplicate", $"'{saga.CompanyName}' with owner {saga.OwnerEmail} already has tenant {duplicate}");
            return;
        }
        if (saga.IdempotencyKey is { } key && await admission.FindKeyOwnerAsync(saga.TenantId, key, context.CancellationToken) is { } keyOwner)
        {
            await admission.ReleaseSharedSlotAsync(saga.TenantId, context.CancellationToken);
            Reject(saga, "key-reused", $"this Idempotency-Key already signed up tenant {keyOwner} with a different request; use a new key for a new signup");
            return;
        }
        if (saga.CustomDomain is { } domain && await admission.FindLiveDomainOwnerAsync(saga.TenantId, domain, context.CancellationToken) is { } domainOwner)
        {
            await admission.ReleaseSharedSlotAsync(saga.TenantId, context.CancellationToken);
            Reject(saga, "domain-taken", $"custom domain {domain} already serves another live tenant ({domainOwner}); nothing was created");
            return;
        }

        var names = new TenantNames(saga.TenantId);
        saga.DeploymentMode = DeploymentModes.Decide(saga.SubscriptionTier, options.FreeTier.Enabled);
        if (saga.DeploymentMode == DeploymentModes.Dedicated)
        {
            saga.Namespace = names.DedicatedNamespace;
            saga.HelmRelease = names.HelmRelease;
            return;
        }

        saga.Namespace = options.FreeTier.Namespace;
        saga.Pool = await admission.ReserveSharedSlotAsync(saga.TenantId, context.CancellationToken);
        if (saga.Pool is null)
        {
            Reject(saga, "capacity", "every shared pool is full or draining, and no server can take another pool; add a server (Provisioning:FreeTier:Servers) or raise its MaxPools (GET /api/pools shows occupancy)");
        }
    }

    /// <summary>A retry must pass what admission checked: no other live tenant of the shop, and a pool slot again for the shared path.</summary>
    static async Task PrepareRetryAsync(BehaviorContext<TenantState, RetryProvisioning> context)
    {
        var saga = context.Saga;
        var admission = context.GetServiceOrCreateInstance<ITenantAdmission>();
        var duplicate = await admission.FindLiveDuplicateAsync(saga.TenantId, saga.CompanyName, saga.OwnerEmail, context.CancellationToken);
        if (duplicate is not null)
        {
            Reject(saga, "duplicate", $"the shop has another live tenant, {duplicate}");
            return;
        }
        if (saga.CustomDomain is { } domain && await admission.FindLiveDomainOwnerAsync(saga.TenantId, domain, context.CancellationToken) is { } domainOwner)
        {
            Reject(saga, "domain-taken", $"custom domain {domain} now serves another live tenant, {domainOwner}");
            return;
        }
        if (saga.DeploymentMode == DeploymentModes.Shared)
        {
            saga.Pool = await admission.ReserveSharedSlotAsync(saga.TenantId, context.CancellationToken);
            if (saga.Pool is null)
            {
                Reject(saga, "capacity", "every shared pool is full");
            }
        }
    }

    static void Reject(TenantState saga, string code, string reason)
    {
        saga.RejectionCode = code;
        saga.RejectionReason = reason;
    }

    static TenantProvisioningAccepted Accepted(TenantState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        TenantId = saga.TenantId,
        DeploymentMode = saga.DeploymentMode ?? DeploymentModes.Shared,
        Pool = saga.Pool,
    };

    static void RecordFailure(TenantState saga, string step, string reason, bool compensated, DateTimeOffset failedAt)
    {
        saga.FailedStep = step;
        saga.FailureReason = compensated ? reason : $"{reason} (cleanup incomplete: see the provisioning log)";
        saga.FailedAt = failedAt;
    }

    static TenantDeprovisioned DeprovisionedEvent(TenantState saga) => new()
    {
        TenantId = saga.TenantId,
        DeploymentMode = saga.DeploymentMode ?? DeploymentModes.Shared,
        DeprovisionedAt = saga.DeprovisionedAt ?? DateTimeOffset.UtcNow,
    };
}
