using MechanicBuddy.TenantDatabase;
using MechanicBuddy.TenantDatabase.Control;
using Npgsql;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>
/// The database that holds a tenant's shop schema (a shared pool, its own instance, or its CloudNativePG cluster's -rw
/// service), reached two ways: <see cref="Admin"/>, the control plane itself with search_path pinned, for DDL only
/// (the read-only window); and <see cref="OpenTenantAsync"/>, the tenant's rights, for every read and write of its rows.
/// </summary>
public sealed class TenantDatabaseAccess(string adminConnectionString, string schema, string ownerRole, string description,
    Func<NpgsqlDataSource, CancellationToken, Task<TenantSession>> openTenant) : IAsyncDisposable
{
    public NpgsqlDataSource Admin { get; } = ControlPlaneConnection.DataSource(adminConnectionString);
    public string Schema { get; } = schema;
    public string OwnerRole { get; } = ownerRole;
    public string Description { get; } = description;

    public Task<TenantSession> OpenTenantAsync(CancellationToken cancellationToken) => openTenant(Admin, cancellationToken);

    /// <summary>The shop schema version its journal holds, read with the tenant's rights (what the tenant attached to it runs as the tenant).</summary>
    public async Task<int> ReadShopVersionAsync(ShopSchemaMigrator migrator, CancellationToken cancellationToken)
    {
        await using var session = await OpenTenantAsync(cancellationToken);
        // DbUp reads the journal synchronously: off the small thread pool.
        return await Task.Factory.StartNew(() => migrator.VersionOf(session.DataSource, Schema), cancellationToken, TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    public ValueTask DisposeAsync() => Admin.DisposeAsync();
}
