using System.Text.Json;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.StateMachines;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Fleet;

/// <summary>A rollout as the API shows it.</summary>
public sealed partial class FleetMigrationStore
{
    /// <summary>The newest rollouts first, each with its counts but without its tenant list (GetAsync has that).</summary>
    public async Task<IReadOnlyList<FleetMigrationDto>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using (var read = Registry.CreateCommand("SELECT id FROM fleet_migrations ORDER BY created_at DESC, id LIMIT @limit"))
        {
            read.Parameters.AddWithValue("limit", limit);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }
        var rollouts = new List<FleetMigrationDto>();
        foreach (var id in ids)
        {
            if (await ReadAsync(id, withTenants: false, cancellationToken) is { } rollout)
            {
                rollouts.Add(rollout);
            }
        }
        return rollouts;
    }

    public Task<FleetMigrationDto?> GetAsync(Guid id, CancellationToken cancellationToken) => ReadAsync(id, withTenants: true, cancellationToken);

    /// <param name="withTenants">false: the counts only, one grouped query, whatever the rollout's size.</param>
    async Task<FleetMigrationDto?> ReadAsync(Guid id, bool withTenants, CancellationToken cancellationToken)
    {
        await using var connection = await Registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        Rollout? rollout;
        await using (var read = new NpgsqlCommand($"{RolloutColumns} WHERE id = @id", connection, transaction))
        {
            read.Parameters.AddWithValue("id", id);
            rollout = await ReadRolloutAsync(read, cancellationToken);
        }
        if (rollout is null)
        {
            return null;
        }
        var tenants = new List<FleetMigrationTenantDto>();
        var counts = FleetStates.TenantStates.ToDictionary(s => s, _ => 0);
        if (!withTenants)
        {
            await using var count = new NpgsqlCommand(
                "SELECT state, count(*)::int FROM fleet_migration_tenants WHERE migration_id = @id GROUP BY state", connection, transaction);
            count.Parameters.AddWithValue("id", id);
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)] = reader.GetInt32(1);
            }
        }
        else
        {
            await using var read = new NpgsqlCommand(
            """
            SELECT tenant_id, deployment_mode, server, canary, state, attempt, from_version, version, duration_ms, locked_ms, error, finished_at
            FROM fleet_migration_tenants WHERE migration_id = @id ORDER BY position
            """, connection, transaction);
            read.Parameters.AddWithValue("id", id);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants.Add(new FleetMigrationTenantDto
                {
                    TenantId = reader.GetString(0), DeploymentMode = reader.GetString(1), Server = reader.GetString(2), Canary = reader.GetBoolean(3),
                    State = reader.GetString(4), Attempt = reader.GetInt32(5), FromVersion = Nullable<int>(reader, 6), Version = Nullable<int>(reader, 7),
                    DurationMs = Nullable<long>(reader, 8), LockedMs = Nullable<long>(reader, 9), Error = reader.IsDBNull(10) ? null : reader.GetString(10),
                    FinishedAt = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                });
                counts[tenants[^1].State]++;
            }
        }
        return new FleetMigrationDto
        {
            Id = rollout.Id, TargetVersion = rollout.TargetVersion, State = rollout.State, StopReason = rollout.StopReason, CanaryCount = rollout.CanaryCount,
            BatchSize = rollout.BatchSize, MaxConcurrencyPerServer = rollout.MaxPerServer, FailureThreshold = rollout.FailureThreshold,
            LockTimeoutMs = rollout.LockTimeoutMs, CreatedAt = rollout.CreatedAt, FinishedAt = rollout.FinishedAt,
            Counts = counts,
            Tenants = tenants,
        };
    }

    static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
