using System.Text.Json;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantRegistry.StateMachines;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Fleet;

/// <summary>The settings a rollout was started with, validated by the Gateway.</summary>
public sealed record FleetMigrationPlan(int TargetVersion, FleetSelection Selection, int CanaryCount, int BatchSize, int MaxPerServer, int FailureThreshold, int LockTimeoutMs);

/// <summary>
/// A fleet rollout's whole state, in the registry's database: which tenants it covers, in what order, and where each
/// one stands. Every change is one transaction, so a registry that crashes anywhere resumes from these rows.
/// </summary>
public sealed class FleetMigrationStore(NpgsqlDataSource registry)
{
    /// <summary>Tenant states a rollout covers: live ones. A tenant being removed is not migrated.</summary>
    static readonly string[] Gone = [TenantStatuses.Failed, TenantStatuses.Deprovisioned, TenantStatuses.Deprovisioning, TenantStatuses.Compensating];

    /// <summary>Where a tenant may migrate: served, with no other change of its side under way.</summary>
    static readonly string[] Settled = [TenantStatuses.Active, TenantStatuses.Suspended];

    public async Task<Guid> CreateAsync(FleetMigrationPlan plan, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO fleet_migrations (id, target_version, selection, canary_count, batch_size, max_per_server, failure_threshold, lock_timeout_ms, state)
            VALUES (@id, @target, @selection::jsonb, @canaries, @batch, @perServer, @threshold, @lockTimeout, @state)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("target", plan.TargetVersion);
            insert.Parameters.AddWithValue("selection", JsonSerializer.Serialize(plan.Selection));
            insert.Parameters.AddWithValue("canaries", plan.CanaryCount);
            insert.Parameters.AddWithValue("batch", plan.BatchSize);
            insert.Parameters.AddWithValue("perServer", plan.MaxPerServer);
            insert.Parameters.AddWithValue("threshold", plan.FailureThreshold);
            insert.Parameters.AddWithValue("lockTimeout", plan.LockTimeoutMs);
            insert.Parameters.AddWithValue("state", FleetStates.Running);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        // Below the target (or of unknown version: tenants recorded before versions were), in signup order; the first
        // few are the canaries. A path no worker migrates yet is listed as skipped, so the operator sees it.
        await using (var tenants = new NpgsqlCommand(
            """
            INSERT INTO fleet_migration_tenants (migration_id, tenant_id, position, canary, deployment_mode, pool, server, state, error)
            SELECT @id, t.tenant_id, t.position, t.position <= @canaries, t.mode, t.pool,
                   CASE WHEN t.mode = 'shared' THEN 'pool ' || coalesce(t.pool, '?') ELSE 'tenant ' || t.tenant_id END,
                   CASE WHEN t.mode = ANY(@migratable) THEN @pending ELSE @skipped END,
                   CASE WHEN t.mode = ANY(@migratable) THEN NULL ELSE 'no fleet migration on the ' || t.mode || ' path yet' END
            FROM (
                SELECT tenant_id, pool, coalesce(data->>'DeploymentMode', 'shared') AS mode,
                       row_number() OVER (ORDER BY requested_at, tenant_id)::int AS position
                FROM tenant_sagas
                WHERE current_state <> ALL(@gone)
                  AND coalesce((data->>'SchemaVersion')::int, 0) < @target
                  AND (@tiers::text[] IS NULL OR subscription_tier = ANY(@tiers))
                  AND (@pools::text[] IS NULL OR pool = ANY(@pools))
                  AND (@modes::text[] IS NULL OR coalesce(data->>'DeploymentMode', 'shared') = ANY(@modes))
                  AND (@ids::text[] IS NULL OR tenant_id = ANY(@ids))
            ) t
            """, connection, transaction))
        {
            tenants.Parameters.AddWithValue("id", id);
            tenants.Parameters.AddWithValue("canaries", plan.CanaryCount);
            tenants.Parameters.AddWithValue("target", plan.TargetVersion);
            tenants.Parameters.AddWithValue("gone", Gone);
            tenants.Parameters.AddWithValue("migratable", DeploymentModes.All.Where(WorkerQueues.Has<MigrateTenantSchema>).ToArray());
            tenants.Parameters.AddWithValue("pending", FleetStates.Pending);
            tenants.Parameters.AddWithValue("skipped", FleetStates.Skipped);
            tenants.Parameters.Add(TextArray("tiers", plan.Selection.Tiers));
            tenants.Parameters.Add(TextArray("pools", plan.Selection.Pools));
            tenants.Parameters.Add(TextArray("modes", plan.Selection.DeploymentModes));
            tenants.Parameters.Add(TextArray("ids", plan.Selection.TenantIds));
            await tenants.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    static NpgsqlParameter TextArray(string name, IReadOnlyList<string>? values) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = values is null ? DBNull.Value : values.ToArray() };

    /// <summary>Rollouts the driver has work for: running ones, and ended ones whose completion event has not gone out.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            "SELECT id FROM fleet_migrations WHERE state = @running OR NOT started_published OR (state <> ALL(@open) AND NOT completed_published) ORDER BY created_at");
        command.Parameters.AddWithValue("running", FleetStates.Running);
        command.Parameters.AddWithValue("open", new[] { FleetStates.Running, FleetStates.Paused });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>
    /// One step of a rollout, under its row's lock (several registries never step the same rollout at once): stops it
    /// past its failure threshold, ends it when no tenant is left, and otherwise marks the tenants to send now — those
    /// whose answer is overdue (again, same attempt), then canaries one at a time, then the current wave within the
    /// per-server limit. Returns the commands to send once this is committed, and the events that are due (marked sent
    /// by <see cref="MarkPublishedAsync"/> only once they are out: at least once).
    /// </summary>
    public async Task<FleetStep> StepAsync(Guid id, TimeSpan resendAfter, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
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

    public async Task MarkPublishedAsync(Guid id, FleetStep step, CancellationToken cancellationToken)
    {
        await using var mark = registry.CreateCommand(
            "UPDATE fleet_migrations SET started_published = started_published OR @started, completed_published = completed_published OR @completed WHERE id = @id");
        mark.Parameters.AddWithValue("id", id);
        mark.Parameters.AddWithValue("started", step.Events.OfType<FleetMigrationStarted>().Any());
        mark.Parameters.AddWithValue("completed", step.Events.OfType<FleetMigrationCompleted>().Any());
        await mark.ExecuteNonQueryAsync(cancellationToken);
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

    /// <summary>
    /// Takes a worker's answer for the attempt it names (a copy, or the answer to an older attempt, changes nothing). A
    /// migrated tenant's record gets its new version in the same transaction; a busy shop goes back to pending for a
    /// later try, until it has been busy too often.
    /// </summary>
    public async Task RecordAsync(Guid id, string tenantId, int attempt, FleetAnswer answer, int maxBusyRetries, TimeSpan busyRetry, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var busy = answer is { Succeeded: false, Busy: true };
        await using var update = new NpgsqlCommand(
            """
            UPDATE fleet_migration_tenants SET
                state = CASE WHEN @succeeded THEN 'Migrated' WHEN @busy AND busy_retries < @maxBusy THEN 'Pending' ELSE 'Failed' END,
                busy_retries = busy_retries + CASE WHEN @busy THEN 1 ELSE 0 END,
                not_before = CASE WHEN @busy THEN now() + @busyRetry ELSE NULL END,
                from_version = coalesce(from_version, @from), version = @version, duration_ms = @duration, locked_ms = @locked, error = @error,
                finished_at = CASE WHEN @succeeded OR NOT @busy OR busy_retries >= @maxBusy THEN now() END
            WHERE migration_id = @id AND tenant_id = @tenant AND attempt = @attempt AND state = 'Migrating' AND deployment_mode = @mode
            """, connection, transaction);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("tenant", tenantId);
        update.Parameters.AddWithValue("attempt", attempt);
        update.Parameters.AddWithValue("mode", answer.DeploymentMode);
        update.Parameters.AddWithValue("succeeded", answer.Succeeded);
        update.Parameters.AddWithValue("busy", busy);
        update.Parameters.AddWithValue("maxBusy", maxBusyRetries);
        update.Parameters.AddWithValue("busyRetry", busyRetry);
        update.Parameters.AddWithValue("from", (object?)answer.FromVersion ?? DBNull.Value);
        update.Parameters.AddWithValue("version", (object?)answer.Version ?? DBNull.Value);
        update.Parameters.AddWithValue("duration", answer.DurationMs);
        update.Parameters.AddWithValue("locked", (object?)answer.LockedMs ?? DBNull.Value);
        update.Parameters.AddWithValue("error", (object?)answer.Error ?? DBNull.Value);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 1 && answer.Version is { } version)
        {
            // The Tenant record's version; a saga transaction that loaded the row before retries on its version check.
            await using var record = new NpgsqlCommand(
                "UPDATE tenant_sagas SET data = jsonb_set(data, '{SchemaVersion}', to_jsonb(@version)), version = version + 1, updated_at = now() WHERE tenant_id = @tenant",
                connection, transaction);
            record.Parameters.AddWithValue("tenant", tenantId);
            record.Parameters.AddWithValue("version", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Pause, resume or abort: the state change if the rollout is in one of <paramref name="from"/>; false when it is not (or does not exist).</summary>
    public async Task<bool> ChangeStateAsync(Guid id, IReadOnlyList<string> from, string to, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            UPDATE fleet_migrations SET state = @to, completed_published = CASE WHEN @to = 'Running' THEN false ELSE completed_published END,
                   finished_at = CASE WHEN @to = 'Aborted' THEN now() ELSE finished_at END, stop_reason = CASE WHEN @to = 'Aborted' THEN 'aborted by an operator' ELSE stop_reason END
            WHERE id = @id AND state = ANY(@from)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("from", from.ToArray());
        command.Parameters.AddWithValue("to", to);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>A failed tenant goes back to pending; a rollout its failures had stopped runs again (its threshold is checked anew).</summary>
    public async Task<bool> RetryTenantAsync(Guid id, string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var retry = new NpgsqlCommand(
            "UPDATE fleet_migration_tenants SET state = 'Pending', busy_retries = 0, not_before = NULL, finished_at = NULL WHERE migration_id = @id AND tenant_id = @tenant AND state = 'Failed'",
            connection, transaction);
        retry.Parameters.AddWithValue("id", id);
        retry.Parameters.AddWithValue("tenant", tenantId);
        if (await retry.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }
        await ExecuteAsync(connection, transaction,
            "UPDATE fleet_migrations SET state = 'Running', stop_reason = NULL, finished_at = NULL, completed_published = false WHERE id = @id AND state IN ('Stopped', 'Completed')",
            id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<FleetMigrationDto?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
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
        await using (var read = new NpgsqlCommand(
            """
            SELECT tenant_id, deployment_mode, server, canary, state, attempt, from_version, version, duration_ms, locked_ms, error, finished_at
            FROM fleet_migration_tenants WHERE migration_id = @id ORDER BY position
            """, connection, transaction))
        {
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
            }
        }
        return new FleetMigrationDto
        {
            Id = rollout.Id, TargetVersion = rollout.TargetVersion, State = rollout.State, StopReason = rollout.StopReason, CanaryCount = rollout.CanaryCount,
            BatchSize = rollout.BatchSize, MaxConcurrencyPerServer = rollout.MaxPerServer, FailureThreshold = rollout.FailureThreshold,
            LockTimeoutMs = rollout.LockTimeoutMs, CreatedAt = rollout.CreatedAt, FinishedAt = rollout.FinishedAt,
            Counts = FleetStates.TenantStates.ToDictionary(s => s, s => tenants.Count(t => t.State == s)),
            Tenants = tenants,
        };
    }

    static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    const string RolloutColumns =
        "SELECT id, target_version, state, stop_reason, canary_count, batch_size, max_per_server, failure_threshold, lock_timeout_ms, started_published, completed_published, created_at, finished_at FROM fleet_migrations";

    static async Task<Rollout?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand($"{RolloutColumns} WHERE id = @id FOR UPDATE SKIP LOCKED", connection, transaction);
        read.Parameters.AddWithValue("id", id);
        return await ReadRolloutAsync(read, cancellationToken);
    }

    static async Task<Rollout?> ReadRolloutAsync(NpgsqlCommand read, CancellationToken cancellationToken)
    {
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new Rollout(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4),
            reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetBoolean(9), reader.GetBoolean(10),
            reader.GetFieldValue<DateTimeOffset>(11), reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12));
    }

    static async Task<Dictionary<string, int>> CountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        var counts = FleetStates.TenantStates.ToDictionary(s => s, _ => 0);
        await using var count = new NpgsqlCommand("SELECT state, count(*)::int FROM fleet_migration_tenants WHERE migration_id = @id GROUP BY state", connection, transaction);
        count.Parameters.AddWithValue("id", id);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }
        return counts;
    }

    static async Task<long> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    sealed record Rollout(Guid Id, int TargetVersion, string State, string? StopReason, int CanaryCount, int BatchSize, int MaxPerServer, int FailureThreshold,
        int LockTimeoutMs, bool StartedPublished, bool CompletedPublished, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);
}

/// <summary>The commands to send after a rollout's step has committed, and the events that are due.</summary>
public sealed record FleetStep(IReadOnlyList<MigrateTenantSchema> Sends, IReadOnlyList<object> Events)
{
    public static readonly FleetStep Nothing = new([], []);
}

/// <summary>A worker's answer, either kind, as the store records it.</summary>
public sealed record FleetAnswer(string DeploymentMode, bool Succeeded, bool Busy, int? FromVersion, int? Version, long DurationMs, long? LockedMs, string? Error);
