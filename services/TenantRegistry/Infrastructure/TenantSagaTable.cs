using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.Infrastructure.Sagas;
using MechanicBuddy.TenantRegistry.StateMachines;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

public sealed class TenantSagaTable : SagaTable<TenantState>
{
    public override string Name => "tenant_sagas";

    public override IReadOnlyList<SagaColumn<TenantState>> Columns { get; } =
    [
        new("current_state", s => s.CurrentState),
        new("tenant_id", s => s.TenantId),
        new("company_key", s => ShopKeys.Company(s.CompanyName)),
        new("owner_email_key", s => ShopKeys.Email(s.OwnerEmail)),
        new("subscription_tier", s => s.SubscriptionTier),
        new("pool", s => s.Pool),
        new("requested_at", s => s.RequestedAt),
        new("deadline_at", s => s.DeadlineAt),
        new("custom_domain", s => s.CustomDomain?.ToLowerInvariant()),
        new("idempotency_key", s => s.IdempotencyKey),
    ];
}
