using System.Globalization;
using Npgsql;

namespace MechanicBuddy.Bench;

/// <summary>Where the gateway path's time goes: median time from request to each logged step, from the registry's provisioning log.</summary>
public static class StepBreakdown
{
    public static async Task PrintAsync(string registryConnectionString, string companyPrefix, string state = "Active")
    {
        await using var connection = new NpgsqlConnection(registryConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT l.step,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.logged_at - t.requested_at) * 1000) AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM l.logged_at - t.requested_at) * 1000) AS p95
            FROM tenant_sagas t JOIN provisioning_log l USING (tenant_id)
            WHERE t.company_key LIKE @prefix AND t.current_state = @state AND l.step NOT IN ('Deprovision', 'Deprovisioned')
            GROUP BY l.step ORDER BY p50
            """, connection);
        command.Parameters.AddWithValue("prefix", companyPrefix.ToLowerInvariant() + "%");
        command.Parameters.AddWithValue("state", state);
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine($"{"step (ms after request)",-24} {"p50",7} {"p95",7}");
        while (await reader.ReadAsync())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0),-24} {reader.GetDouble(1),7:F0} {reader.GetDouble(2),7:F0}"));
        }
    }
}
