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

    /// <summary>
    /// A page of tenants, newest first, filtered; with the cursor of the next page when this one is full. On the
    /// listing indexes (0009), so a page deep in 10,000 tenants costs what the first does.
    /// </summary>
    public async Task<(IReadOnlyList<TenantState> Tenants, TenantListCursor? Next)> ListAsync(TenantListFilter filter, int limit, int offset, TenantListCursor? after,
        CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            SELECT data, requested_at, tenant_id FROM tenant_sagas
            WHERE (@state::text IS NULL OR current_state = @state)
              AND (@tier::text IS NULL OR subscription_tier = @tier)
              AND (@pool::text IS NULL OR pool = @pool)
              AND (@mode::text IS NULL OR coalesce(data->>'DeploymentMode', 'shared') = @mode)
              AND (@q::text IS NULL OR starts_with(tenant_id, @idPrefix) OR strpos(company_key, @q) > 0)
              AND (@afterAt::timestamptz IS NULL OR requested_at < @afterAt OR (requested_at = @afterAt AND tenant_id > @afterId))
            ORDER BY requested_at DESC, tenant_id
            LIMIT @limit OFFSET @offset
            """);
        command.Parameters.Add(Text("state", filter.Status));
        command.Parameters.Add(Text("tier", filter.Tier));
        command.Parameters.Add(Text("pool", filter.Pool));
        command.Parameters.Add(Text("mode", filter.DeploymentMode));
        var search = filter.Search is { } q ? Tenancy.ShopKeys.Company(q) : null;
        command.Parameters.Add(Text("q", search));
        // Tenant ids are the company name's words joined by '-' and a suffix (TenantIds).
        command.Parameters.Add(Text("idPrefix", search?.Replace(' ', '-')));
        command.Parameters.Add(new NpgsqlParameter("afterAt", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)after?.RequestedAt ?? DBNull.Value });
        command.Parameters.Add(Text("afterId", after?.TenantId));
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("offset", offset);
        var tenants = new List<TenantState>();
        TenantListCursor? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(JsonSerializer.Deserialize<TenantState>(reader.GetString(0), SagaJson.Options)!);
            last = new TenantListCursor(reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2));
        }
        return (tenants, tenants.Count == limit ? last : null);
    }

    static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}

/// <summary>The tenant list's filters, validated by the endpoint.</summary>
public sealed record TenantListFilter(string? Status, string? Tier, string? Pool, string? DeploymentMode, string? Search);
