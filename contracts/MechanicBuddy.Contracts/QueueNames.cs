namespace MechanicBuddy.Contracts;

/// <summary>Worker queues that commands are sent to (the saga sends by name and each worker binds exactly these), and the registry's progress queue.</summary>
public static class QueueNames
{
    public const string ProvisionSharedTenant = "provision-shared-tenant";
    public const string DeprovisionSharedTenant = "deprovision-shared-tenant";
    public const string ProvisionDedicatedTenant = "provision-dedicated-tenant";
    public const string DeprovisionDedicatedTenant = "deprovision-dedicated-tenant";
    public const string SetSharedTenantAccess = "set-shared-tenant-access";
    public const string SetDedicatedTenantAccess = "set-dedicated-tenant-access";
    public const string MoveTenantData = "move-tenant-data";
    public const string ResizeDedicatedTenant = "resize-dedicated-tenant";
    public const string MigrateSharedTenantSchema = "migrate-shared-tenant-schema";
    public const string MigrateDedicatedTenantSchema = "migrate-dedicated-tenant-schema";

    /// <summary>The registry's queue of the workers' answers to a fleet rollout's migrations.</summary>
    public const string FleetMigrations = "fleet-migrations";

    /// <summary>The registry's queue of the workers' progress events (a classic queue: they are published transient).</summary>
    public const string Progress = "tenant-progress";

    /// <summary>The dedicated worker's queues; declared by the registry too, because that worker may start after the first request.</summary>
    public static readonly IReadOnlyList<string> Dedicated = [ProvisionDedicatedTenant, DeprovisionDedicatedTenant, SetDedicatedTenantAccess, MoveTenantData, ResizeDedicatedTenant, MigrateDedicatedTenantSchema];

    /// <summary>MassTransit's exchange address for a queue name; quorum queues must not be sent to as "queue:" (the declare fails).</summary>
    public static Uri Exchange(string queue) => new($"exchange:{queue}");
}
