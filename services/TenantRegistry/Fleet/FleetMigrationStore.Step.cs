using System.Text.Json;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.StateMachines;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Fleet;

/// <summary>Stepping a rollout: when it stops or ends, and which tenants are sent to their workers next.</summary>
public sealed partial class FleetMigrationStore
{
    /// <summary>
    /// One step of a rollout, under its row's lock (several registries never step the same rollout at once): stops it
    /// past its failure threshold, ends it when no tenant is left, and otherwise marks the tenants to send now — those
    /// whose answer is overdue (again, same attempt), then canaries one at a time, then the current wave within the
    /// per-server limit. Returns the commands to send once this is committed, and the events that are due (marked sent
    /// by <see cref="MarkPublishedAsync"/> only once they are out: at least once).
    /// </summary>
    public async Task<FleetStep> StepAsync(Guid id, TimeSpan resendAfter, CancellationToken cancellationToken)
    {
        await using var connection = await Registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rollout = await LockAsync(connection, transaction, id, cancellationToken);
        if (rollout is null)
        {
            return FleetStep.Nothing;
        }
        var counts = await CountsAsync(connection, transaction, id, cancellationToken);
        var events = new List<object>();
        if (!rollout.StartedPublished)
        {
            events.Add(new FleetMigrationStarted
            {
                RolloutId = id, TargetVersion = rollout.TargetVersion, Tenants = counts.Values.Sum(), Canaries = Math.Min(rollout.CanaryCount, counts.Values.Sum()),
                StartedAt = rollout.CreatedAt,
            });
        }
        var state = rollout.State;
        if (state == FleetStates.Running && counts[FleetStates.Failed] > rollout.FailureThreshold)
        {
            state = await EndAsync(connection, transaction, id, FleetStates.Stopped,
                $"{counts[FleetStates.Failed]} tenant(s) failed, more than the threshold of {rollout.FailureThreshold}", cancellationToken);
        }
        else if (state == FleetStates.Running && counts[FleetStates.Pending] + counts[FleetStates.Migrating] == 0)
        {
            state = await EndAsync(connection, transaction, id, FleetStates.Completed, null, cancellationToken);
        }
        var sends = new List<MigrateTenantSchema>();
        if (state == FleetStates.Running)
        {
            sends.AddRange(await OverdueAsync(connection, transaction, rollout, resendAfter, cancellationToken));
            sends.AddRange(await StartNextAsync(connection, transaction, rollout, cancellationToken));
        }
        if (state is not (FleetStates.Running or FleetStates.Paused) && !rollout.CompletedPublished && counts[FleetStates.Migrating] == 0)
        {
            var after = await CountsAsync(connection, transaction, id, cancellationToken);
            events.Add(new FleetMigrationCompleted
            {
                RolloutId = id, TargetVersion = rollout.TargetVersion, Outcome = state, Migrated = after[FleetStates.Migrated], Failed = after[FleetStates.Failed],
                NotMigrated = after[FleetStates.Pending] + after[FleetStates.Skipped], CompletedAt = DateTimeOffset.UtcNow,
            });
        }
        await transaction.CommitAsync(cancellationToken);
        return new FleetStep(sends, events);
    }

    async Task<string> EndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string state, string? reason, CancellationToken cancellationToken)
    {
        await using var end = new NpgsqlCommand("UPDATE fleet_migrations SET state = @state, stop_reason = @reason, finished_at = now() WHERE id = @id", connection, transaction);
        end.Parameters.AddWithValue("id", id);
        end.Parameters.AddWithValue("state", state);
        end.Parameters.AddWithValue("reason", (object?)reason ?? DBNull.Value);
        await end.ExecuteNonQueryAsync(cancellationToken);
        return state;
    }

    /// <summary>Sent and not answered for too long: sent again with the same attempt (the worker's journal makes it harmless).</summary>
    static async Task<IReadOnlyList<MigrateTenantSchema>> OverdueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Rollout rollout, TimeSpan resendAfter,
        CancellationToken cancellationToken)
    {
        await using var overdue = new NpgsqlCommand(
            """
            UPDATE fleet_migration_tenants SET sent_at = now()
            WHERE migration_id = @id AND state = @migrating AND sent_at < now() - @after
            RETURNING tenant_id, deployment_mode, pool, attempt, namespace
            """, connection, transaction);
        overdue.Parameters.AddWithValue("id", rollout.Id);
        overdue.Parameters.AddWithValue("migrating", FleetStates.Migrating);
        overdue.Parameters.AddWithValue("after", resendAfter);
        return await CommandsAsync(overdue, rollout, cancellationToken);
    }

    /// <summary>
    /// Canaries first, one at a time, until none is left to run; then waves of the batch size, the next wave only once
    /// the last one is done, each within the per-server limit. A tenant whose side is changing (a tier change, a
    /// suspension under way) waits and is taken after; one that is gone meanwhile is skipped. Its pool is read now: a
    /// tier change since the rollout began may have moved it.
    /// </summary>
    static async Task<IReadOnlyList<MigrateTenantSchema>> StartNextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Rollout rollout,
        CancellationToken cancellationToken)
    {
        await using (var gone = new NpgsqlCommand(
            """
            UPDATE fleet_migration_tenants f SET state = @skipped, error = 'the tenant was removed', finished_at = now()
            FROM tenant_sagas t
            WHERE f.migration_id = @id AND f.state = @pending AND t.tenant_id = f.tenant_id AND t.current_state = ANY(@gone)
            """, connection, transaction))
        {
            gone.Parameters.AddWithValue("id", rollout.Id);
            gone.Parameters.AddWithValue("skipped", FleetStates.Skipped);
            gone.Parameters.AddWithValue("pending", FleetStates.Pending);
            gone.Parameters.AddWithValue("gone", Gone);
            await gone.ExecuteNonQueryAsync(cancellationToken);
        }
        var canariesLeft = await ScalarAsync(connection, transaction,
            "SELECT count(*) FROM fleet_migration_tenants WHERE migration_id = @id AND canary AND state IN ('Pending', 'Migrating')", rollout.Id, cancellationToken);
        int limit;
        string scope;
        if (canariesLeft > 0)
        {
            limit = 1 - (int)await ScalarAsync(connection, transaction,
                "SELECT count(*) FROM fleet_migration_tenants WHERE migration_id = @id AND state = 'Migrating'", rollout.Id, cancellationToken);
            scope = "f.canary";
        }
        else
        {
            // The current wave: the one with tenants still to run, or a new one of the next pending tenants.
            var inWave = await ScalarAsync(connection, transaction,
                "SELECT count(*) FROM fleet_migration_tenants WHERE migration_id = @id AND wave IS NOT NULL AND state IN ('Pending', 'Migrating')", rollout.Id, cancellationToken);
            if (inWave == 0)
            {
                await using var wave = new NpgsqlCommand(
                    """
                    UPDATE fleet_migration_tenants SET wave = coalesce((SELECT max(wave) FROM fleet_migration_tenants WHERE migration_id = @id), 0) + 1
                    WHERE migration_id = @id AND (tenant_id) IN (
                        SELECT tenant_id FROM fleet_migration_tenants WHERE migration_id = @id AND state = 'Pending' AND NOT canary ORDER BY position LIMIT @batch)
                    """, connection, transaction);
                wave.Parameters.AddWithValue("id", rollout.Id);
                wave.Parameters.AddWithValue("batch", rollout.BatchSize);
                await wave.ExecuteNonQueryAsync(cancellationToken);
            }
            limit = rollout.BatchSize;
            scope = "f.wave IS NOT NULL";
        }
        if (limit <= 0)
        {
            return [];
        }
        await using var start = new NpgsqlCommand(
            $"""
            WITH busy AS (
                SELECT server, count(*) AS running FROM fleet_migration_tenants WHERE migration_id = @id AND state = 'Migrating' GROUP BY server
            ), ready AS (
                SELECT f.tenant_id, t.pool, s.server, s.mode, t.data->>'Namespace' AS namespace, (t.data->>'SchemaVersion')::int AS recorded,
                       row_number() OVER (PARTITION BY s.server ORDER BY f.position) AS rank, f.position
                FROM fleet_migration_tenants f JOIN tenant_sagas t ON t.tenant_id = f.tenant_id
                CROSS JOIN LATERAL (SELECT coalesce(t.data->>'DeploymentMode', 'shared') AS mode,
                    CASE WHEN coalesce(t.data->>'DeploymentMode', 'shared') = 'shared' THEN 'pool ' || coalesce(t.pool, '?') ELSE 'tenant ' || t.tenant_id END AS server) s
                WHERE f.migration_id = @id AND f.state = 'Pending' AND {scope}
                  AND (f.not_before IS NULL OR f.not_before <= now()) AND t.current_state = ANY(@settled)
                  AND NOT EXISTS (SELECT 1 FROM fleet_migration_tenants o WHERE o.tenant_id = f.tenant_id AND o.state = 'Migrating')
            ), chosen AS (
                SELECT r.tenant_id, r.pool, r.server, r.mode, r.namespace, r.recorded FROM ready r LEFT JOIN busy b ON b.server = r.server
                WHERE r.rank <= @perServer - coalesce(b.running, 0) ORDER BY r.position LIMIT @limit
            ), taken AS (
                -- Still settled on the row's newest version, and its version bumped: a tier change admitted from an older
                -- read of the row fails its own version check, retries, and finds the migration under way.
                UPDATE tenant_sagas t SET version = t.version + 1 FROM chosen c
                WHERE t.tenant_id = c.tenant_id AND t.current_state = ANY(@settled)
                RETURNING t.tenant_id
            )
            UPDATE fleet_migration_tenants f SET state = 'Migrating', attempt = f.attempt + 1, sent_at = now(), pool = c.pool, server = c.server, error = NULL,
                deployment_mode = c.mode, namespace = c.namespace, from_version = coalesce(f.from_version, c.recorded)
            FROM chosen c JOIN taken k ON k.tenant_id = c.tenant_id WHERE f.migration_id = @id AND f.tenant_id = c.tenant_id
            RETURNING f.tenant_id, f.deployment_mode, f.pool, f.attempt, f.namespace
            """, connection, transaction);
        start.Parameters.AddWithValue("id", rollout.Id);
        start.Parameters.AddWithValue("settled", Settled);
        start.Parameters.AddWithValue("perServer", rollout.MaxPerServer);
        start.Parameters.AddWithValue("limit", limit);
        return await CommandsAsync(start, rollout, cancellationToken);
    }

    static async Task<IReadOnlyList<MigrateTenantSchema>> CommandsAsync(NpgsqlCommand command, Rollout rollout, CancellationToken cancellationToken)
    {
        var commands = new List<MigrateTenantSchema>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            commands.Add(new MigrateTenantSchema
            {
                RolloutId = rollout.Id, TenantId = reader.GetString(0), DeploymentMode = reader.GetString(1), Pool = reader.IsDBNull(2) ? null : reader.GetString(2),
                Namespace = reader.IsDBNull(4) ? null : reader.GetString(4),
                TargetVersion = rollout.TargetVersion, LockTimeoutMs = rollout.LockTimeoutMs, Attempt = reader.GetInt32(3),
            });
        }
        return commands;
    }
}
