using Npgsql;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>
/// A control-plane connection to the database that holds a tenant's shop schema (a shared pool, its own instance, or
/// its CloudNativePG cluster's -rw service), the schema, and the role that owns the shop tables there.
/// </summary>
public sealed class TenantDatabaseAccess(string connectionString, string schema, string ownerRole, string description) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);
    public string Schema { get; } = schema;
    public string OwnerRole { get; } = ownerRole;
    public string Description { get; } = description;

    /// <summary>The same login with the shop schema as search path (what the migrations expect). A data source does not hand its password back, so this is built from the original.</summary>
    public NpgsqlDataSource ScopedToSchema() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = Schema }.ConnectionString);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
