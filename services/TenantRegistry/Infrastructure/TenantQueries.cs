using System.Text.Json;
using MechanicBuddy.TenantRegistry.Infrastructure.Sagas;
using MechanicBuddy.TenantRegistry.StateMachines;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>The read side of the registry: tenants as the saga table holds them.</summary>
public sealed class TenantQueries(NpgsqlDataSource registry)
{
    public async Task<TenantState?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand("SELECT data FROM tenant_sagas WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) is string data ? JsonSerializer.Deserialize<TenantState>(data, SagaJson.Options) : null;
    }

    public async Task<IReadOnlyList<TenantState>> ListAsync(string? state, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            SELECT data FROM tenant_sagas
            WHERE (@state::text IS NULL OR current_state = @state)
            ORDER BY requested_at DESC, tenant_id
            LIMIT @limit OFFSET @offset
            """);
        command.Parameters.Add(new NpgsqlParameter("state", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)state ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("offset", offset);
        var tenants = new List<TenantState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(JsonSerializer.Deserialize<TenantState>(reader.GetString(0), SagaJson.Options)!);
        }
        return tenants;
    }
}
