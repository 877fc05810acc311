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
public sealed partial class FleetMigrationStore(NpgsqlDataSource registry)
{
    /// <summary>For the other parts of the class (a primary constructor's parameter is seen only in its own part).</summary>
    NpgsqlDataSource Registry => registry;

    /// <summary>Tenant states a rollout covers: live ones. A tenant being removed is not migrated.</summary>
    static readonly string[] Gone = [TenantStatuses.Failed, TenantStatuses.Deprovisioned, TenantStatuses.Deprovisioning, TenantStatuses.Compensating];

    /// <summary>Where a tenant may migrate: served, with no other change of its side under way.</summary>
    static readonly string[] Settled = [TenantStatuses.Active, TenantStatuses.Suspended];

    /// <summary>
    /// A new rollout, or — while another is unfinished — none, and that one's id: one rollout at a time, so its limit of
    /// tenants at once per database server holds for the whole fleet and no two targets race. Two requests at once
    /// queue on a transaction lock, so the second sees the first.
    /// </summary>
    public async Task<(Guid? Created, Guid? Unfinished)> CreateAsync(FleetMigrationPlan plan, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var one = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtext('fleet_migrations')); SELECT id FROM fleet_migrations WHERE state = ANY(@unfinished) ORDER BY created_at LIMIT 1",
            connection, transaction))
        {
            one.Parameters.AddWithValue("unfinished", FleetStates.Unfinished.ToArray());
            await using var reader = await one.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return (null, reader.GetGuid(0));
            }
        }
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
        return (id, null);
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

    /// <summary>The events a step returned are out: they are not published again.</summary>
    public async Task MarkPublishedAsync(Guid id, FleetStep step, CancellationToken cancellationToken)
    {
        await using var mark = registry.CreateCommand(
            "UPDATE fleet_migrations SET started_published = started_published OR @started, completed_published = completed_published OR @completed WHERE id = @id");
        mark.Parameters.AddWithValue("id", id);
        mark.Parameters.AddWithValue("started", step.Events.OfType<FleetMigrationStarted>().Any());
        mark.Parameters.AddWithValue("completed", step.Events.OfType<FleetMigrationCompleted>().Any());
        await mark.ExecuteNonQueryAsync(cancellationToken);
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
