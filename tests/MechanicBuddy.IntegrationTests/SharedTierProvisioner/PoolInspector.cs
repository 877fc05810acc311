using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.IntegrationTests.SharedTierProvisioner;

/// <summary>What of a tenant really exists: looked up in PostgreSQL's catalogs, nginx's routes folder and the secret store.</summary>
public static class PoolInspector
{
    public sealed record Pieces(bool Schema, bool Role, bool Route, bool Secret)
    {
        public bool Any => Schema || Role || Route || Secret;
    }

    public static async Task<Pieces> InspectAsync(TestDatabase pool, string secretsDirectory, string tenantId)
    {
        var names = new TenantNames(tenantId);
        var schema = await pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @s)", ("s", names.Schema));
        var role = await pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @r)", ("r", names.Role));
        var route = EdgeRoutes.Has(tenantId);
        var secret = Directory.Exists(Path.Combine(secretsDirectory, tenantId));
        return new Pieces(schema, role, route, secret);
    }

    public static string Password(string secretsDirectory, string tenantId) =>
        File.ReadAllText(Path.Combine(secretsDirectory, tenantId, "database-password")).Trim();
}
