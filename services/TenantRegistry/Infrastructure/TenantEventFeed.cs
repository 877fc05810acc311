using System.Globalization;
using MechanicBuddy.Contracts.Http;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>
/// The provisioning log as an ordered, resumable feed. Identity ids are handed out before commit, and transactions
/// commit in any order, so "rows after id N" would skip a row that commits late. Rows are read instead in the order
/// of their transaction ids, only below the oldest registry transaction still open (the horizon): every row that will
/// ever sit below the horizon is already visible, so an event id handed out is never passed by a later one. The
/// horizon looks at the registry login's own transactions in this database only: a tenant's long transaction on the
/// same server holds nothing back.
/// </summary>
public sealed class TenantEventFeed(NpgsqlDataSource registry)
{
    public async Task<IReadOnlyList<TenantEvent>> ReadAsync(EventCursor after, string? tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        var horizon = await HorizonAsync(connection, cancellationToken);
        await using var read = new NpgsqlCommand(
            $"""
            SELECT txid::text, id, tenant_id, logged_at, step, outcome, message FROM provisioning_log
            WHERE txid < @horizon::xid8 AND (txid, id) > (@tx::xid8, @id) {(tenantId is null ? "" : "AND tenant_id = @tenant")}
            ORDER BY txid, id LIMIT @limit
            """, connection);
        read.Parameters.AddWithValue("tx", after.Transaction.ToString(CultureInfo.InvariantCulture));
        read.Parameters.AddWithValue("id", after.Row);
        read.Parameters.AddWithValue("limit", limit);
        return await EventsAsync(read, horizon, tenantId, cancellationToken);
    }

    /// <summary>The last event so far (none when the log is empty): where a reader that wants only what comes next starts.</summary>
    public async Task<IReadOnlyList<TenantEvent>> NewestAsync(string? tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        var horizon = await HorizonAsync(connection, cancellationToken);
        await using var read = new NpgsqlCommand(
            $"""
            SELECT txid::text, id, tenant_id, logged_at, step, outcome, message FROM provisioning_log
            WHERE txid < @horizon::xid8 {(tenantId is null ? "" : "AND tenant_id = @tenant")}
            ORDER BY txid DESC, id DESC LIMIT 1
            """, connection);
        return await EventsAsync(read, horizon, tenantId, cancellationToken);
    }

    /// <summary>
    /// The oldest transaction id of this login still open in this database, or the next one to be assigned. The
    /// snapshot is taken first and the sessions read after it, each in a statement of its own: a transaction in the
    /// snapshot is then either still seen open or already committed, and the rows are read after both, so a committed
    /// one is visible to that read; one that starts later gets an id at or above the snapshot's end.
    /// </summary>
    static async Task<string> HorizonAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        string snapshot;
        await using (var take = new NpgsqlCommand("SELECT pg_current_snapshot()::text", connection))
        {
            snapshot = (string)(await take.ExecuteScalarAsync(cancellationToken))!;
        }
        var open = new HashSet<ulong>();
        await using (var sessions = new NpgsqlCommand(
            "SELECT backend_xid::text FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user AND backend_xid IS NOT NULL",
            connection))
        await using (var reader = await sessions.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                open.Add(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture));
            }
        }
        // "xmin:xmax:xip,…" with 64-bit ids; a session shows the low 32 bits of its id.
        var parts = snapshot.Split(':');
        IEnumerable<ulong> inProgress = parts[2].Length == 0 ? [] : parts[2].Split(',').Select(x => ulong.Parse(x, CultureInfo.InvariantCulture));
        var mine = inProgress.Where(x => open.Contains(x & 0xFFFF_FFFF)).ToList();
        return (mine.Count > 0 ? mine.Min() : ulong.Parse(parts[1], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
    }

    static async Task<IReadOnlyList<TenantEvent>> EventsAsync(NpgsqlCommand read, string horizon, string? tenantId, CancellationToken cancellationToken)
    {
        read.Parameters.AddWithValue("horizon", horizon);
        if (tenantId is not null)
        {
            read.Parameters.AddWithValue("tenant", tenantId);
        }
        var events = new List<TenantEvent>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var cursor = new EventCursor(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1));
            events.Add(new TenantEvent
            {
                Id = cursor.ToString(),
                TenantId = reader.GetString(2),
                Timestamp = reader.GetFieldValue<DateTimeOffset>(3),
                Step = reader.GetString(4),
                Outcome = reader.GetString(5),
                Message = reader.GetString(6),
            });
        }
        return events;
    }
}
