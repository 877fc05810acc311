using Npgsql;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>
/// A control-plane connection to the database that holds a tenant's shop schema (a shared pool, its own instance, or
/// its CloudNativePG cluster's -rw service), the schema, and the role that owns the shop tables there.
/// </summary>
public sealed record TenantDatabaseAccess(NpgsqlDataSource DataSource, string Schema, string OwnerRole, string Description) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
