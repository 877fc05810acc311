using Npgsql;

namespace MechanicBuddy.TenantDatabase;

/// <summary>The data a new shop starts with: its admin (by password hash only) and default settings. Safe to run twice.</summary>
public static class ShopSeeder
{
    public sealed record Seed(string CompanyName, string SubscriptionTier, string OwnerEmail, string AdminPasswordHash, int MechanicLimit);

    public static async Task SeedAsync(NpgsqlDataSource tenantDataSource, Seed seed, CancellationToken cancellationToken)
    {
        await using var connection = await tenantDataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var admin = new NpgsqlCommand(
            """
            INSERT INTO users (username, email, password_hash, role, must_change_password)
            VALUES ('admin', @email, @hash, 'Owner', true)
            ON CONFLICT (username) DO NOTHING
            """, connection, transaction))
        {
            admin.Parameters.AddWithValue("email", seed.OwnerEmail);
            admin.Parameters.AddWithValue("hash", seed.AdminPasswordHash);
            await admin.ExecuteNonQueryAsync(cancellationToken);
        }

        var settings = new Dictionary<string, string>
        {
            ["company_name"] = seed.CompanyName,
            ["subscription_tier"] = seed.SubscriptionTier,
            ["mechanic_limit"] = seed.MechanicLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["currency"] = "EUR",
            ["time_zone"] = "UTC",
        };
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var (key, value) in settings)
            {
                var command = new NpgsqlBatchCommand("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING");
                command.Parameters.AddWithValue("key", key);
                command.Parameters.AddWithValue("value", value);
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The shop's tier and mechanic limit after a tier change in place; the shop's other settings are its own.</summary>
    public static async Task ApplyTierAsync(NpgsqlDataSource tenantDataSource, string tier, int mechanicLimit, CancellationToken cancellationToken)
    {
        await using var batch = tenantDataSource.CreateBatch();
        foreach (var (key, value) in new[] { ("subscription_tier", tier), ("mechanic_limit", mechanicLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
        {
            var command = new NpgsqlBatchCommand("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("value", value);
            batch.BatchCommands.Add(command);
        }
        // One batch is one implicit transaction: both settings change or neither.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
