using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.SharedTierProvisioner;

public sealed class SharedPoolSchemasTests
{
    [Fact]
    public async Task A_failed_pool_preparation_is_retried_by_the_next_signup_not_remembered()
    {
        var name = $"mbt_late_{Guid.NewGuid():N}"[..22];
        var options = Options.Create(new ProvisioningOptions { FreeTier = new FreeTierOptions { PostgresConnectionString = TestEnvironment.ConnectionString(name) } });
        await using var pools = new SharedPools(options);
        var schemas = new SharedPoolSchemas(pools, options, NullLogger<SharedPoolSchemas>.Instance);

        // The pool's database is not there yet (say, still being restored): preparation fails.
        var missing = await Assert.ThrowsAsync<PostgresException>(() => schemas.PreparePoolAsync("default", CancellationToken.None));
        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, missing.SqlState);

        await using (var admin = new NpgsqlConnection(TestEnvironment.ConnectionString("mechanicbuddy_registry")))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name} OWNER mechanicbuddy", admin).ExecuteNonQueryAsync();
        }
        // There but not yet prepared by its DBA: refused with a message that says what to do.
        NpgsqlConnection.ClearAllPools();
        var unprepared = await Assert.ThrowsAsync<InvalidOperationException>(() => schemas.PreparePoolAsync("default", CancellationToken.None));
        Assert.Contains("pool-database.sql", unprepared.Message, StringComparison.Ordinal);
        await using (var dba = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString(name)))
        {
            await dba.OpenAsync();
            await new NpgsqlCommand(MechanicBuddy.TenantDatabase.Control.ControlSchema.PoolDatabaseSql, dba).ExecuteNonQueryAsync();
        }
        try
        {
            NpgsqlConnection.ClearAllPools();
            Assert.Equal($"{name}_tenants", await schemas.PreparePoolAsync("default", CancellationToken.None));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            // As the superuser: the DBA's own connection may still be closing on the server, and only a superuser may end it.
            await using var admin = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("mechanicbuddy_registry"));
            await admin.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin).ExecuteNonQueryAsync();
        }
    }
}
