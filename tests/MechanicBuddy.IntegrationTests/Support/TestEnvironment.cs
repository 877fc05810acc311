using System.Net;
using System.Net.Sockets;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>Where the test servers started by scripts/test.sh listen (ports and directories from its environment).</summary>
public static class TestEnvironment
{
    public static int PostgresPort => Int("MB_PG_PORT", 55433);
    public static int AmqpPort => Int("MB_AMQP_PORT", 5673);
    public static int RabbitUiPort => Int("MB_RABBIT_UI_PORT", 15673);
    public static int NginxPort => Int("MB_NGINX_PORT", 8481);
    /// <summary>The control plane's database password: this machine's own, made by scripts/infra.sh.</summary>
    public static string DbPassword => Environment.GetEnvironmentVariable("MB_DB_PASSWORD") ?? MachineSecret("db-password");

    /// <summary>A superuser of the test cluster only (scripts/test.sh asks infra.sh for it): the tests play the DBA and set up attacks with it.</summary>
    public static string SuperuserConnectionString(string database) =>
        ConnectionString(database, "mechanicbuddy_test_admin", MachineSecret("test-superuser-password"));

    /// <summary>Each service's broker user and permissions, from scripts/broker-users.tsv (what infra.sh gives the real ones).</summary>
    public static IReadOnlyDictionary<string, BrokerUser> BrokerUsers => LazyBrokerUsers.Value;

    static readonly Lazy<IReadOnlyDictionary<string, BrokerUser>> LazyBrokerUsers = new(ReadBrokerUsers);

    /// <summary>The file's service rows with its '=' groups expanded, by the script infra.sh uses.</summary>
    static Dictionary<string, BrokerUser> ReadBrokerUsers()
    {
        using var script = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(FindRoot(), "scripts", "broker-permissions.sh")])
        {
            RedirectStandardOutput = true,
        })!;
        var rows = script.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
        script.WaitForExit();
        return script.ExitCode == 0
            ? rows.ToDictionary(f => f[0], f => new BrokerUser(f[1], f[2], f[3], f[4]))
            : throw new InvalidOperationException($"scripts/broker-permissions.sh exited {script.ExitCode}");
    }

    /// <summary>The exchange groups of scripts/broker-users.tsv by name (the alternatives, unexpanded).</summary>
    public static IReadOnlyDictionary<string, string> BrokerExchangeGroups => File.ReadAllLines(Path.Combine(FindRoot(), "scripts", "broker-users.tsv"))
        .Where(line => line.StartsWith('='))
        .Select(line => line.Split('\t'))
        .ToDictionary(f => f[0][1..], f => f[1]);

    public static string BrokerPassword(string user) => MachineSecret("broker-" + user);

    public static string MachineSecret(string name)
    {
        var file = Path.Combine(VarDirectory, "secrets.d", name);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : throw new InvalidOperationException($"{file} is missing: start the test servers with scripts/test.sh");
    }

    public static string RepositoryRoot { get; } = FindRoot();
    public static string VarDirectory => Environment.GetEnvironmentVariable("MB_VAR") ?? Path.Combine(RepositoryRoot, "var", "test");
    public static string NginxPrefix => Path.Combine(VarDirectory, "nginx");
    public static string NginxRoutes => Path.Combine(NginxPrefix, "routes");

    /// <summary>Release or Debug: the configuration this test assembly was built in, so service processes match it.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string ConnectionString(string database, string? user = null, string? password = null) =>
        $"Host=127.0.0.1;Port={PostgresPort};Database={database};Username={user ?? "mechanicbuddy"};Password={password ?? DbPassword};Timeout=10";

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed record BrokerUser(string Name, string Configure, string Write, string Read);

    static int Int(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MechanicBuddy.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("MechanicBuddy.sln not found above " + AppContext.BaseDirectory);
    }
}
