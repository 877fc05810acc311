namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// For tests and benchmarks: rows in every shop table (about 7.6 × <c>scale</c> in all), with real foreign keys and
/// awkward values (quotes, tabs, unicode, NULLs, fractions, time zones). Run in the shop's schema (search path).
/// References point at the rows just inserted (the last ids of each table), so it also fits a shop whose ids do not
/// start at 1 (a seed that ran twice, earlier data).
/// </summary>
public static class ShopSampleData
{
    /// <summary>The id of the <paramref name="nth"/> (1-based, an SQL expression) of the last <paramref name="count"/> rows inserted into <paramref name="table"/>.</summary>
    static string Ref(string table, int count, string nth) => $"(SELECT max(id) FROM {table}) - {count} + {nth}";

    public static string InsertSql(int scale) => $"""
        INSERT INTO users (username, email, password_hash) SELECT 'user' || g, 'u' || g || '@example.com', 'hash' || g FROM generate_series(1, {scale / 10}) g;
        INSERT INTO settings (key, value) SELECT 'key.' || g, 'value ''' || g || ''' – ü' FROM generate_series(1, {scale / 20}) g;
        INSERT INTO mechanics (user_id, full_name, hourly_rate) SELECT {Ref("users", scale / 10, "g")}, 'Mechanic ' || g, (g % 50) + 0.25 FROM generate_series(1, {scale / 10}) g;
        INSERT INTO customers (full_name, email, phone, address)
            SELECT 'Customer ' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'c' || g || '@example.com' END, '+372 ' || g, E'Street\t' || g FROM generate_series(1, {scale}) g;
        INSERT INTO vehicles (customer_id, vin, registration, make, model, model_year, odometer_km)
            SELECT {Ref("customers", scale, "g")}, 'VIN' || g, 'REG-' || g, 'Škoda', 'Octavia', 2000 + g % 25, g * 13 FROM generate_series(1, {scale}) g;
        INSERT INTO parts (sku, name, unit_price, stock_quantity) SELECT 'SKU-' || g, 'Part "' || g || '"', g % 500 + 0.99, g % 40 FROM generate_series(1, {scale / 3}) g;
        INSERT INTO work_orders (vehicle_id, mechanic_id, status, description, opened_at, closed_at)
            SELECT {Ref("vehicles", scale, "g")}, {Ref("mechanics", scale / 10, $"1 + g % {scale / 10}")}, CASE WHEN g % 2 = 0 THEN 'Closed' ELSE 'Open' END, 'Brakes ' || g,
                   timestamptz '2026-01-01 08:00+02' + g * interval '17 minutes', CASE WHEN g % 2 = 0 THEN timestamptz '2026-06-01 10:00+00' END
            FROM generate_series(1, {scale}) g;
        INSERT INTO work_order_items (work_order_id, part_id, description, quantity, unit_price, labour_hours)
            SELECT {Ref("work_orders", scale, $"1 + g % {scale}")}, {Ref("parts", scale / 3, $"1 + g % {scale / 3}")}, 'Item ' || g, 1.5, 12.34, 0.75 FROM generate_series(1, {scale * 2}) g;
        INSERT INTO invoices (work_order_id, number, total, issued_at) SELECT {Ref("work_orders", scale, "g")}, 'INV-' || g, g * 1.01, timestamptz '2026-03-01 00:00+00' FROM generate_series(1, {scale / 2}) g;
        INSERT INTO invoice_lines (invoice_id, description, amount) SELECT {Ref("invoices", scale / 2, $"1 + g % {scale / 2}")}, 'Line ' || g, g % 100 + 0.5 FROM generate_series(1, {scale}) g;
        INSERT INTO appointments (customer_id, vehicle_id, mechanic_id, starts_at, ends_at, notes)
            SELECT {Ref("customers", scale, "g")}, {Ref("vehicles", scale, "g")}, NULL, timestamptz '2026-12-01 09:00+00' + g * interval '1 hour', timestamptz '2026-12-01 10:00+00' + g * interval '1 hour', NULL
            FROM generate_series(1, {scale / 3}) g;
        UPDATE customers SET reminders_opt_in = true WHERE id % 4 = 0;
        INSERT INTO vehicle_inspections (vehicle_id, mechanic_id, inspected_at, odometer_km, passed, notes)
            SELECT {Ref("vehicles", scale, $"1 + g % {scale}")}, {Ref("mechanics", scale / 10, $"1 + g % {scale / 10}")}, timestamptz '2026-11-01 12:00+01' + g * interval '5 minutes',
                   g * 7, g % 5 <> 0, CASE WHEN g % 5 = 0 THEN E'brake pads \'worn\'' END
            FROM generate_series(1, {scale / 4}) g;
        """;
}
