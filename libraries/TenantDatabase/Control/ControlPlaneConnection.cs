using Npgsql;

namespace MechanicBuddy.TenantDatabase.Control;

/// <summary>
/// How the control plane connects to a database that holds tenant objects (a shared pool, a tenant's own instance, its
/// CloudNativePG cluster). search_path is pg_catalog alone, sent at connection start so it outranks any ALTER
/// DATABASE/ROLE ... SET a tenant that owns the database could make: nothing unqualified in our SQL can resolve to a
/// function, operator or type a tenant created (CVE-2018-1058's class). Tenant objects are always schema-qualified.
/// </summary>
public static class ControlPlaneConnection
{
    public const string PinnedSearchPath = "pg_catalog";

    public static string Pin(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = PinnedSearchPath }.ConnectionString;

    public static NpgsqlDataSource DataSource(string connectionString) => NpgsqlDataSource.Create(Pin(connectionString));
}
