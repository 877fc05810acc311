using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// The one rule that routes a command to a worker: the command's kind and the path of the side it is about. Each worker
/// consumes its own queues only (and only it may, see scripts/broker-users.tsv), so the path picks the worker. The data
/// move and the resize have one worker only (the dedicated one) and go to their own queues.
/// </summary>
public static class WorkerQueues
{
    static readonly Dictionary<(Type Command, string Mode), string> Queues = new()
    {
        [(typeof(BuildTenantSide), DeploymentModes.Shared)] = QueueNames.ProvisionSharedTenant,
        [(typeof(BuildTenantSide), DeploymentModes.Dedicated)] = QueueNames.ProvisionDedicatedTenant,
        [(typeof(RemoveTenantSide), DeploymentModes.Shared)] = QueueNames.DeprovisionSharedTenant,
        [(typeof(RemoveTenantSide), DeploymentModes.Dedicated)] = QueueNames.DeprovisionDedicatedTenant,
        [(typeof(SetTenantAccess), DeploymentModes.Shared)] = QueueNames.SetSharedTenantAccess,
        [(typeof(SetTenantAccess), DeploymentModes.Dedicated)] = QueueNames.SetDedicatedTenantAccess,
        [(typeof(MigrateTenantSchema), DeploymentModes.Shared)] = QueueNames.MigrateSharedTenantSchema,
        [(typeof(MigrateTenantSchema), DeploymentModes.Dedicated)] = QueueNames.MigrateDedicatedTenantSchema,
    };

    /// <summary>Whether a worker takes this command on this path (a fleet rollout skips tenants whose path migrates no schema yet).</summary>
    public static bool Has<TCommand>(string deploymentMode) where TCommand : class => Queues.ContainsKey((typeof(TCommand), deploymentMode));

    public static string For<TCommand>(string deploymentMode) where TCommand : class =>
        Queues.TryGetValue((typeof(TCommand), deploymentMode), out var queue)
            ? queue
            : throw new InvalidOperationException($"no worker takes {typeof(TCommand).Name} for the {deploymentMode} path");

    /// <summary>Every (command, path) pair the rule knows, for the test that each queue is consumed by the right worker.</summary>
    public static IEnumerable<(Type Command, string Mode, string Queue)> All => Queues.Select(q => (q.Key.Command, q.Key.Mode, q.Value));
}
