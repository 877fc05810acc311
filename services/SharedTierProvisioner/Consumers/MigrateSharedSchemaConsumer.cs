using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Provisioning.Secrets;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;

namespace MechanicBuddy.SharedTierProvisioner.Consumers;

/// <summary>A fleet rollout's step for a tenant in a shared pool: its schema, migrated as its own role in its pool.</summary>
public sealed class MigrateSharedSchemaConsumer(SharedPools pools, ITenantSecretStore secrets, ProvisioningInbox inbox, ShopSchemaMigrator migrator,
    CrashPoints crashPoints, TimeProvider clock, ILogger<MigrateSharedSchemaConsumer> logger) : IConsumer<MigrateTenantSchema>
{
    public Task Consume(ConsumeContext<MigrateTenantSchema> context)
    {
        SharedSideCommands.Require(context.Message.DeploymentMode, context.Message.Pool);
        return TenantSchemaMigration.RunAsync(context, inbox, migrator, crashPoints, clock, logger, async (command, cancellationToken) =>
        {
            // The tenant's own login: a tenant without one (removed meanwhile) must not get a new password made here.
            var password = await secrets.ExistingDatabasePasswordAsync(command.TenantId, cancellationToken)
                ?? throw new InvalidOperationException($"tenant {command.TenantId} has no database login in the secret store");
            var names = new TenantNames(command.TenantId);
            var shop = TenantLogin.DataSource(pools.ConnectionString(command.Pool!), names, password);
            return new TenantShop(shop, names.Schema, shop);
        });
    }
}
