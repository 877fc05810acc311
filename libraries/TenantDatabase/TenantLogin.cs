using MechanicBuddy.Tenancy;
using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>A data source that logs in as the tenant's own role with its schema as search path.</summary>
public static class TenantLogin
{
    public static NpgsqlDataSource DataSource(string serverConnectionString, TenantNames names, string password)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString)
        {
            Username = names.Role,
            Password = password,
            SearchPath = names.Schema,
            // A short-lived source per step: its connections close when it is disposed.
            MaxPoolSize = 2,
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
