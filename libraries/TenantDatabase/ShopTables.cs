using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>The tables the migrations create, in an order that respects their foreign keys (data copies use it).</summary>
public static class ShopTables
{
    public static readonly IReadOnlyList<string> All =
    [
        "users", "settings", "mechanics", "customers", "vehicles", "parts",
        "work_orders", "work_order_items", "invoices", "invoice_lines", "appointments", "vehicle_inspections",
    ];

    /// <summary>DbUp's journal, which lives beside the shop tables in the tenant's schema.</summary>
    public const string Journal = "schemaversions";

    /// <summary>
    /// The shop tables a schema has, in <see cref="All"/>'s order: a shop not yet migrated to the latest version lacks
    /// the newer ones, and its copy, fingerprint and read-only window cover the tables it has.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PresentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema AND c.relkind = 'r' AND c.relname = ANY(@tables)",
            connection, transaction);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("tables", All.ToArray());
        var present = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                present.Add(reader.GetString(0));
            }
        }
        return All.Where(present.Contains).ToList();
    }
}
