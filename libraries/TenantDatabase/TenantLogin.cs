using MechanicBuddy.Tenancy;
using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>A data source that logs in as the tenant's own role with its schema as search path.</summary>
public static class TenantLogin
{
    public static NpgsqlDataSource DataSource(string serverConnectionString, TenantNames names, string password) =>
        WithBuiltInTypes(new NpgsqlConnectionStringBuilder(serverConnectionString)
        {
            Username = names.Role,
            Password = password,
            SearchPath = names.Schema,
            // A short-lived source per step: its connections close when it is disposed.
            MaxPoolSize = 2,
        }.ConnectionString);

    /// <summary>
    /// Every data source with a tenant's rights: Npgsql's built-in types only, no loading of the server's. That load
    /// is one query over pg_type and pg_class on the first connection of each data source, and those catalogs grow
    /// with every shop in the database (two types per table): with a short-lived source per tenant step it was the
    /// largest share of a signup's database work in a full pool, and the part that grew with the pool. The shop
    /// schema uses built-in types only.
    /// </summary>
    public static NpgsqlDataSource WithBuiltInTypes(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    }
}
