namespace MechanicBuddy.Contracts;

/// <summary>Worker queues that commands are sent to. Fixed names: the saga sends by name and each worker binds exactly these.</summary>
public static class QueueNames
{
    public const string ProvisionSharedTenant = "provision-shared-tenant";
    public const string DeprovisionSharedTenant = "deprovision-shared-tenant";
    public const string ProvisionDedicatedTenant = "provision-dedicated-tenant";

    /// <summary>MassTransit's exchange address for a queue name; quorum queues must not be sent to as "queue:" (the declare fails).</summary>
    public static Uri Exchange(string queue) => new($"exchange:{queue}");
}
