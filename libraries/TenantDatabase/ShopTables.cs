namespace MechanicBuddy.TenantDatabase;

/// <summary>The tables the migrations create, in an order that respects their foreign keys (data copies use it).</summary>
public static class ShopTables
{
    public static readonly IReadOnlyList<string> All =
    [
        "users", "settings", "mechanics", "customers", "vehicles", "parts",
        "work_orders", "work_order_items", "invoices", "invoice_lines", "appointments",
    ];

    /// <summary>DbUp's journal, which lives beside the shop tables in the tenant's schema.</summary>
    public const string Journal = "schemaversions";
}
