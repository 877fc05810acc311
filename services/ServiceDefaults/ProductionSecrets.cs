using Microsoft.Extensions.Configuration;
using Npgsql;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>
/// In Production a service refuses to start with a secret anyone could know: a placeholder from our manifests
/// ("CHANGE-ME…"), a value from our local appsettings ("mechanicbuddy-local"), or a product's well-known default
/// (RabbitMQ's guest, Nginx Proxy Manager's changeme). Checked over the whole configuration: every key that is a
/// password, secret, API or signing key, and the password inside every PostgreSQL connection string.
/// scripts/up.sh makes every secret per machine; in Kubernetes they come from the cluster's secret store.
/// </summary>
public static class ProductionSecrets
{
    static readonly string[] SecretKeyNames = ["password", "secret", "apikey", "signingkey"];
    static readonly string[] PlaceholderMarks = ["change-me", "changeme", "change_me", "placeholder", "replace-me", "replaceme", "example", "your-"];
    static readonly HashSet<string> KnownDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        "guest", "mechanicbuddy-local", "mechanicbuddy", "postgres", "password", "secret", "admin", "root", "test", "123456",
    };

    /// <summary>The configuration keys whose values are known placeholders or defaults; empty when all is well.</summary>
    public static IReadOnlyList<string> Forgeable(IConfiguration configuration)
    {
        var found = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            var name = key[(key.LastIndexOf(':') + 1)..].ToLowerInvariant();
            if (SecretKeyNames.Any(name.EndsWith) && IsForgeable(value))
            {
                found.Add(key);
            }
            else if ((key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase) || name.EndsWith("connectionstring", StringComparison.Ordinal))
                     && PasswordOf(value) is { } password && IsForgeable(password))
            {
                found.Add($"{key} (its Password)");
            }
        }
        return found;
    }

    /// <summary>Throws, naming every offending key, when <paramref name="production"/> and any secret is forgeable.</summary>
    public static void Require(IConfiguration configuration, bool production)
    {
        if (!production)
        {
            return;
        }
        var forgeable = Forgeable(configuration);
        if (forgeable.Count > 0)
        {
            throw new InvalidOperationException(
                $"refusing to start in Production with a placeholder or well-known default secret in: {string.Join(", ", forgeable)}. " +
                "Give each its own random value (scripts/up.sh does on a single host; in Kubernetes, the platform secret).");
        }
    }

    static bool IsForgeable(string value) =>
        KnownDefaults.Contains(value.Trim()) || PlaceholderMarks.Any(mark => value.Contains(mark, StringComparison.OrdinalIgnoreCase));

    static string? PasswordOf(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
