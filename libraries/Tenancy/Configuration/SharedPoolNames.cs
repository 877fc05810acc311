using System.Globalization;

namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>
/// The names of the pools the control plane creates: pool <c>{server}-{n:0000}</c> is database
/// <c>mechanicbuddy_{server}_{n:0000}</c> (with '-' as '_') on that server. Derived, not stored, so every service
/// reaches a pool from its name and the server's configuration, with nothing to look up.
/// </summary>
public static class SharedPoolNames
{
    public const int MaxServerNameLength = 40;

    public static string Pool(string server, int number) => $"{server}-{number.ToString("D4", CultureInfo.InvariantCulture)}";

    public static string Database(string server, int number) => $"mechanicbuddy_{server.Replace('-', '_')}_{number.ToString("D4", CultureInfo.InvariantCulture)}";

    /// <summary>The prefix of every pool database on the server, for listing them (with LIKE: '_' is escaped).</summary>
    public static string DatabaseLikePattern(string server) => $"mechanicbuddy\\_{server.Replace("-", "\\_", StringComparison.Ordinal)}\\_%";

    public static bool TryParse(string pool, out string server, out int number)
    {
        var dash = pool.LastIndexOf('-');
        server = dash > 0 ? pool[..dash] : "";
        number = 0;
        return dash > 0 && pool.Length - dash - 1 == 4 && int.TryParse(pool[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;
    }

    /// <summary>A pool name: lower-case letters, digits and '-', at most 63 (it names the pool's tenant group in PostgreSQL).</summary>
    public static bool IsValidPoolName(string? name) =>
        name is { Length: > 0 and <= 63 } && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');

    public static bool IsValidServerName(string name) =>
        name.Length is > 0 and <= MaxServerNameLength && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && name[0] != '-' && name[^1] != '-';
}
