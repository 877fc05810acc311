namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// For tests and benchmarks: a shop set back to schema version 2, as release 1.0 of the shop app left it (before 0003
/// and 0004), so a fleet rollout has something to do. Run as the shop's own role or a superuser.
/// </summary>
public static class EarlierRelease
{
    public const int Version = 2;

    public static string SetBackSql(string schema) => $"""
        DROP INDEX {schema}.ix_work_orders_opened;
        DROP TABLE {schema}.vehicle_inspections;
        ALTER TABLE {schema}.customers DROP COLUMN reminders_opt_in;
        DELETE FROM {schema}.schemaversions WHERE scriptname NOT LIKE '%.0001_%' AND scriptname NOT LIKE '%.0002_%';
        """;

    /// <summary>The Tenant records of those shops say version 2 too (run on the registry's database).</summary>
    public const string RecordSql = "UPDATE tenant_sagas SET data = jsonb_set(data, '{SchemaVersion}', '2') WHERE tenant_id = ANY(@ids)";
}
