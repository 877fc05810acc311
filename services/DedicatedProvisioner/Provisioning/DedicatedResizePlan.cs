using k8s.Models;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>
/// A dedicated tenant's tier change in place, worked out once from the command: the shape it has, the shape it gets,
/// and the shape that holds both while pods are replaced one by one (what its quota must admit meanwhile).
/// </summary>
public sealed record DedicatedResizePlan(ResizeDedicatedTenant Command, TenantNames Names, TierResourceLimits From, TierResourceLimits To)
{
    public string Namespace => Command.Namespace ?? Names.DedicatedNamespace;

    public static DedicatedResizePlan For(ResizeDedicatedTenant command, ProvisioningOptions options)
    {
        var names = new TenantNames(TenantIds.Require(command.TenantId));
        var from = DedicatedTenantPlan.LimitsFor(command.OldTier, options);
        var to = DedicatedTenantPlan.LimitsFor(command.NewTier, options);
        // A volume can grow but never shrink (Kubernetes refuses a smaller PVC, CloudNativePG a smaller storage size):
        // after a downgrade the database keeps the larger volume, in both directions of the change.
        var storage = Larger(from.PostgresStorage, to.PostgresStorage);
        return new DedicatedResizePlan(command, names, With(from, l => l.PostgresStorage = storage), With(to, l => l.PostgresStorage = storage));
    }

    /// <summary>The plan with the database volume at least <paramref name="liveSize"/> (what the cluster has now: an operator may have grown it).</summary>
    public DedicatedResizePlan WithStorageAtLeast(string? liveSize)
    {
        if (liveSize is null || Larger(liveSize, To.PostgresStorage) == To.PostgresStorage)
        {
            return this;
        }
        return this with { From = With(From, l => l.PostgresStorage = liveSize), To = With(To, l => l.PostgresStorage = liveSize) };
    }

    /// <summary>Each figure the larger of the two tiers': old pods still running beside the new tier's surge pods and joining instances.</summary>
    public TierResourceLimits Transition => new()
    {
        PostgresInstances = Math.Max(From.PostgresInstances, To.PostgresInstances),
        PostgresStorage = To.PostgresStorage,
        PostgresMemory = Larger(From.PostgresMemory, To.PostgresMemory),
        ApiReplicas = Math.Max(From.ApiReplicas, To.ApiReplicas),
        ApiMemory = Larger(From.ApiMemory, To.ApiMemory),
        WebReplicas = Math.Max(From.WebReplicas, To.WebReplicas),
        WebMemory = Larger(From.WebMemory, To.WebMemory),
        MechanicLimit = To.MechanicLimit,
        BackupEnabled = From.BackupEnabled || To.BackupEnabled,
        BackupRetention = To.BackupRetention,
    };

    /// <summary>What changes, for the tenant's log: "postgresql 1→3 × 2Gi→8Gi; api 2→3 × 1Gi→4Gi; …".</summary>
    public string Describe()
    {
        static string Change<T>(T from, T to) => Equals(from, to) ? $"{from}" : $"{from}→{to}";
        static string Mechanics(int limit) => limit < 0 ? "unlimited" : limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{Command.OldTier} → {Command.NewTier}: postgresql {Change(From.PostgresInstances, To.PostgresInstances)} × {Change(From.PostgresMemory, To.PostgresMemory)} " +
            $"({To.PostgresStorage}); api {Change(From.ApiReplicas, To.ApiReplicas)} × {Change(From.ApiMemory, To.ApiMemory)}; " +
            $"web {Change(From.WebReplicas, To.WebReplicas)} × {Change(From.WebMemory, To.WebMemory)}; mechanics {Change(Mechanics(From.MechanicLimit), Mechanics(To.MechanicLimit))}";
    }

    static string Larger(string a, string b) => new ResourceQuantity(a).ToDecimal() >= new ResourceQuantity(b).ToDecimal() ? a : b;

    static TierResourceLimits With(TierResourceLimits limits, Action<TierResourceLimits> change)
    {
        var copy = new TierResourceLimits
        {
            PostgresInstances = limits.PostgresInstances, PostgresStorage = limits.PostgresStorage, PostgresMemory = limits.PostgresMemory,
            ApiReplicas = limits.ApiReplicas, ApiMemory = limits.ApiMemory, WebReplicas = limits.WebReplicas, WebMemory = limits.WebMemory,
            MechanicLimit = limits.MechanicLimit, BackupEnabled = limits.BackupEnabled, BackupRetention = limits.BackupRetention,
        };
        change(copy);
        return copy;
    }
}
