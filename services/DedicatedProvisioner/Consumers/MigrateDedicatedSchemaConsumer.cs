using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;

namespace MechanicBuddy.DedicatedProvisioner.Consumers;

/// <summary>
/// A fleet rollout's step for a dedicated tenant: its shop schema, migrated with the tenant's rights on its own database
/// — a single-host instance, or its CloudNativePG cluster through the -rw service — the way a tier change's data move
/// reaches it.
/// </summary>
public sealed class MigrateDedicatedSchemaConsumer(IDedicatedPlatform platform, ProvisioningInbox inbox, ShopSchemaMigrator migrator, CrashPoints crashPoints,
    TimeProvider clock, ILogger<MigrateDedicatedSchemaConsumer> logger) : IConsumer<MigrateTenantSchema>
{
    public Task Consume(ConsumeContext<MigrateTenantSchema> context)
    {
        WorkerPath.Require(DeploymentModes.Dedicated, context.Message.DeploymentMode);
        return TenantSchemaMigration.RunAsync(context, inbox, migrator, crashPoints, clock, logger, async (command, cancellationToken) =>
        {
            var database = await platform.OpenDatabaseAsync(command.TenantId, command.Namespace, cancellationToken);
            try
            {
                var session = await database.OpenTenantAsync(cancellationToken);
                // The session may be a short-lived member of the tenant's role: the scripts run as the role that owns the shop.
                return new TenantShop(session.DataSource, database.Schema, new Both(session, database), database.OwnerRole);
            }
            catch
            {
                await database.DisposeAsync();
                throw;
            }
        });
    }

    /// <summary>The tenant's session first, then the control plane's connection it was opened through.</summary>
    sealed class Both(TenantSession session, TenantDatabaseAccess database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await session.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}
