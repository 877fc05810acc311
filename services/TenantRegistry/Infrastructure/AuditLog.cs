using MechanicBuddy.Contracts.Http;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>The operators' audit trail: appended by the Gateway, read newest first; nothing here changes or removes a record.</summary>
public sealed class AuditLog(NpgsqlDataSource registry)
{
    public async Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            INSERT INTO audit_log (subject, role, action, tenant_id, target, request_id, client_address, method, path, status, outcome, reason)
            VALUES (@subject, @role, @action, @tenant, @target, @request, @client, @method, @path, @status, @outcome, @reason)
            RETURNING id, recorded_at
            """);
        command.Parameters.AddWithValue("subject", record.Subject);
        command.Parameters.AddWithValue("role", (object?)record.Role ?? DBNull.Value);
        command.Parameters.AddWithValue("action", record.Action);
        command.Parameters.AddWithValue("tenant", (object?)record.TenantId ?? DBNull.Value);
        command.Parameters.AddWithValue("target", (object?)record.Target ?? DBNull.Value);
        command.Parameters.AddWithValue("request", record.RequestId);
        command.Parameters.AddWithValue("client", (object?)record.ClientAddress ?? DBNull.Value);
        command.Parameters.AddWithValue("method", record.Method);
        command.Parameters.AddWithValue("path", record.Path);
        command.Parameters.AddWithValue("status", record.Status);
        command.Parameters.AddWithValue("outcome", record.Outcome);
        command.Parameters.AddWithValue("reason", (object?)record.Reason ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return record with { Id = reader.GetInt64(0), RecordedAt = reader.GetFieldValue<DateTimeOffset>(1) };
    }

    /// <summary>Newest first, keyset-paged by id: the last page of a long trail costs what the first does.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        await using var command = registry.CreateCommand();
        void Filter(string clause, string name, object? value)
        {
            if (value is not null)
            {
                where.Add(clause);
                command.Parameters.AddWithValue(name, value);
            }
        }
        Filter("subject = @subject", "subject", query.Subject);
        Filter("action = @action", "action", query.Action);
        Filter("tenant_id = @tenant", "tenant", query.TenantId);
        Filter("outcome = @outcome", "outcome", query.Outcome);
        Filter("recorded_at >= @since", "since", query.Since);
        Filter("recorded_at < @until", "until", query.Until);
        Filter("id < @after", "after", query.After);
        command.CommandText =
            $"""
            SELECT id, recorded_at, subject, role, action, tenant_id, target, request_id, client_address, method, path, status, outcome, reason
            FROM audit_log {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY id DESC LIMIT {limit}
            """;
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            records.Add(new AuditRecord
            {
                Id = reader.GetInt64(0),
                RecordedAt = reader.GetFieldValue<DateTimeOffset>(1),
                Subject = reader.GetString(2),
                Role = Text(3),
                Action = reader.GetString(4),
                TenantId = Text(5),
                Target = Text(6),
                RequestId = reader.GetString(7),
                ClientAddress = Text(8),
                Method = reader.GetString(9),
                Path = reader.GetString(10),
                Status = reader.GetInt32(11),
                Outcome = reader.GetString(12),
                Reason = Text(13),
            });
        }
        return records;
    }
}
