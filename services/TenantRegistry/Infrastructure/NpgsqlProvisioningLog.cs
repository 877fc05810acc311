using MechanicBuddy.Contracts.Http;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

public sealed class NpgsqlProvisioningLog(NpgsqlDataSource registry) : IProvisioningLog
{
    public async Task AppendAsync(string tenantId, IReadOnlyList<(ProvisioningLogEntry Entry, string DedupKey)> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var batch = registry.CreateBatch();
        foreach (var (entry, key) in entries)
        {
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO provisioning_log (tenant_id, logged_at, step, outcome, message, dedup_key)
                VALUES (@tenant, @at, @step, @outcome, @message, @key)
                ON CONFLICT (dedup_key) DO NOTHING
                """);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("at", entry.Timestamp);
            command.Parameters.AddWithValue("step", entry.Step);
            command.Parameters.AddWithValue("outcome", entry.Outcome);
            command.Parameters.AddWithValue("message", entry.Message);
            command.Parameters.AddWithValue("key", key);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ProvisioningLogEntry>> ReadAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            "SELECT logged_at, step, outcome, message FROM provisioning_log WHERE tenant_id = @tenant ORDER BY logged_at, id");
        command.Parameters.AddWithValue("tenant", tenantId);
        var entries = new List<ProvisioningLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ProvisioningLogEntry
            {
                Timestamp = reader.GetFieldValue<DateTimeOffset>(0),
                Step = reader.GetString(1),
                Outcome = reader.GetString(2),
                Message = reader.GetString(3),
            });
        }
        return entries;
    }
}
