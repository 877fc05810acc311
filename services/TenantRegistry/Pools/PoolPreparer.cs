using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase.Control;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Pools;

/// <summary>
/// Makes a created pool's database and prepares it as a DBA would (pool-database.sql, as the server's superuser login),
/// then marks it Ready. One preparation of a pool at a time (a registry lock), and every part of it is safe to repeat,
/// so a crash anywhere is mended by the next attempt; until then the pool takes no tenant.
/// </summary>
public sealed class PoolPreparer(NpgsqlDataSource registry, IOptions<ProvisioningOptions> options, CrashPoints crashPoints, ILogger<PoolPreparer> logger)
{
    /// <summary>After the pool's database is prepared and before it is marked Ready.</summary>
    public const string CrashPoint = "Pool.Prepared";

    public async Task PrepareAsync(string pool, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('mechanicbuddy:pool-prepare:' || @name))", connection, transaction))
        {
            claim.Parameters.AddWithValue("name", pool);
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        // Read after the lock is held (a statement of its own sees what the preparer before us committed).
        await using (var state = new NpgsqlCommand("SELECT state FROM shared_pools WHERE name = @name", connection, transaction))
        {
            state.Parameters.AddWithValue("name", pool);
            if (await state.ExecuteScalarAsync(cancellationToken) is not PoolCatalog.Preparing)
            {
                return; // prepared meanwhile (or not a created pool)
            }
        }
        try
        {
            await CreateAndPrepareAsync(pool, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogWarning("Pool {Pool} could not be prepared: {Error}", pool, ex.Message);
            await using var record = registry.CreateCommand("UPDATE shared_pools SET error = @error WHERE name = @name AND state = 'Preparing'");
            record.Parameters.AddWithValue("name", pool);
            record.Parameters.AddWithValue("error", ex.Message);
            await record.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
        crashPoints.Reached(CrashPoint);
        await using (var ready = new NpgsqlCommand("UPDATE shared_pools SET state = 'Ready', ready_at = now(), error = NULL WHERE name = @name", connection, transaction))
        {
            ready.Parameters.AddWithValue("name", pool);
            await ready.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Shared pool {Pool} is ready", pool);
    }

    async Task CreateAndPrepareAsync(string pool, CancellationToken cancellationToken)
    {
        var server = options.Value.FreeTier.ServerOfCreatedPool(pool, out var number)
            ?? throw new InvalidOperationException($"pool {pool} belongs to no configured server");
        if (string.IsNullOrWhiteSpace(server.AdminConnectionString) || string.IsNullOrWhiteSpace(server.PostgresConnectionString))
        {
            throw new InvalidOperationException($"server {server.Name} needs PostgresConnectionString and AdminConnectionString for the registry to create pools on it");
        }
        var database = SharedPoolNames.Database(server.Name, number);
        var owner = new NpgsqlConnectionStringBuilder(server.PostgresConnectionString).Username
            ?? throw new InvalidOperationException($"server {server.Name}'s PostgresConnectionString names no user");
        var admin = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false };
        await using (var maintenance = new NpgsqlConnection(admin.ConnectionString))
        {
            await maintenance.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", maintenance);
            exists.Parameters.AddWithValue("name", database);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                // Owned by the control plane's role, as every pool database is; made empty, prepared next.
                await using var create = new NpgsqlCommand(
                    $"CREATE DATABASE {TenantDatabase.SqlIdentifiers.Quote(database)} OWNER {TenantDatabase.SqlIdentifiers.Quote(owner)}", maintenance);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        admin.Database = database;
        await using var prepared = new NpgsqlConnection(admin.ConnectionString);
        await prepared.OpenAsync(cancellationToken);
        await using var script = new NpgsqlCommand(ControlSchema.PoolDatabaseSql, prepared);
        await script.ExecuteNonQueryAsync(cancellationToken);
    }
}
