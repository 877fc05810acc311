using System.Globalization;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>The SharedTierProvisioner's configuration over the test servers, as configuration keys ("a:b").</summary>
public static class SharedTierSettings
{
    public static Dictionary<string, string?> For(string baseDomain, string poolConnectionString, Uri sharedBackend, string secretsDirectory) => new()
    {
        ["Provisioning:BaseDomain"] = baseDomain,
        ["Provisioning:PublicScheme"] = "http",
        ["Provisioning:PublicPort"] = TestEnvironment.NginxPort.ToString(CultureInfo.InvariantCulture),
        ["Provisioning:FreeTier:PostgresConnectionString"] = poolConnectionString,
        ["Provisioning:FreeTier:ApiUrl"] = sharedBackend.ToString(),
        ["Provisioning:FreeTier:WebUrl"] = sharedBackend.ToString(),
        ["Routing:Driver"] = "nginx",
        ["Routing:Nginx:Prefix"] = TestEnvironment.NginxPrefix,
        ["Routing:Nginx:ConfigFile"] = Path.Combine(TestEnvironment.NginxPrefix, "nginx.conf"),
        ["Routing:Nginx:RoutesDirectory"] = TestEnvironment.NginxRoutes,
        ["Routing:Nginx:ListenPort"] = TestEnvironment.NginxPort.ToString(CultureInfo.InvariantCulture),
        ["Secrets:Directory"] = secretsDirectory,
    };

    /// <summary>The same keys as environment variables for a service process.</summary>
    public static Dictionary<string, string> AsEnvironment(this Dictionary<string, string?> settings) =>
        settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
}
