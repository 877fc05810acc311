using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase.Control;
using Microsoft.Extensions.Options;
using Npgsql;
using MechanicBuddy.DedicatedProvisioner.Provisioning;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;

/// <summary>
/// The tenants' own PostgreSQL instances: one data directory and one port each, created with initdb, run by pg_ctl
/// (they outlive this service, like any database server), stopped and deleted on deprovisioning. Each instance's
/// superuser is <see cref="Superuser"/> with a per-tenant password; only TCP with SCRAM is accepted, no Unix socket.
/// </summary>
public sealed class PostgresInstances(IOptions<DedicatedPlatformOptions> options, ILogger<PostgresInstances> logger)
{
    public const string Superuser = "mechanicbuddy";
    const string MarkerFile = "instance.json";
    static readonly SemaphoreSlim PortAllocation = new(1, 1);

    SingleHostOptions Host => options.Value.SingleHost;
    string Root => Path.GetFullPath(Host.InstancesDirectory);
    static bool IsRoot => Environment.UserName == "root";

    public string DirectoryOf(string tenantId) => Path.Combine(Root, new TenantNames(tenantId).DedicatedNamespace);
    string DataDirectoryOf(string tenantId) => Path.Combine(DirectoryOf(tenantId), "data");

    sealed record Marker(int Port, bool Initialized);

    /// <summary>The instance's port, or null when the tenant has no instance.</summary>
    public int? PortOf(string tenantId) => ReadMarker(DirectoryOf(tenantId))?.Port;

    public bool IsInitialized(string tenantId) => ReadMarker(DirectoryOf(tenantId)) is { Initialized: true };

    /// <summary>The instance's address and database, without a login (the caller adds whose).</summary>
    public string ServerConnectionString(string tenantId, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host.ListenAddress, Port = PortOf(tenantId) ?? throw new InvalidOperationException($"tenant {tenantId} has no instance"),
        Database = database, Timeout = 5,
    }.ConnectionString;

    /// <summary>A short-lived, unpooled login for the provisioner's own steps (the instance's superuser), search_path pinned to pg_catalog.</summary>
    public string ConnectionString(string tenantId, string database, string username, string password) =>
        ControlPlaneConnection.Pin(new NpgsqlConnectionStringBuilder(ServerConnectionString(tenantId, database)) { Username = username, Password = password, Pooling = false }.ConnectionString);

    /// <summary>Every tenant that has an instance directory.</summary>
    public IEnumerable<string> TenantIds() => Directory.Exists(Root)
        ? Directory.EnumerateDirectories(Root, "tenant-*").Select(d => Path.GetFileName(d)["tenant-".Length..]).Where(Tenancy.TenantIds.IsValid)
        : [];

    /// <summary>initdb on a port of its own. Idempotent: an initialised instance is kept, a half-made one is made again.</summary>
    public async Task<int> CreateAsync(string tenantId, string superuserPassword, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(tenantId);
        var marker = ReadMarker(directory);
        if (marker is { Initialized: true } && File.Exists(Path.Combine(DataDirectoryOf(tenantId), "PG_VERSION")))
        {
            return marker.Port;
        }
        var port = marker?.Port ?? await AllocatePortAsync(directory, cancellationToken);
        var data = DataDirectoryOf(tenantId);
        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            // Made and moved into place before a crash kept the marker from being written: only the marker is missing.
            await WriteMarkerAsync(directory, new Marker(port, Initialized: true), cancellationToken);
            return port;
        }
        Directory.CreateDirectory(directory);
        await HandToPostgresUserAsync(directory, cancellationToken);
        // initdb works in a directory of its own, moved to data/ only when complete: after a crash of this service, an
        // orphaned initdb may still be writing into an earlier attempt's directory, which must not be the one reused.
        RemoveAbandonedAttempts(directory);
        var attempt = Path.Combine(directory, $"data.initdb-{Guid.NewGuid():N}");

        var passwordFile = Path.Combine(directory, $".pwfile-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, superuserPassword + "\n", cancellationToken);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("secret files rely on Unix file modes");
        }
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await HandToPostgresUserAsync(passwordFile, cancellationToken);
        try
        {
            var initdb = await RunAsPostgresAsync("initdb", ["-D", attempt, "-U", Superuser, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions"], cancellationToken);
            if (!initdb.Succeeded)
            {
                throw new InvalidOperationException($"initdb exited {initdb.ExitCode}: {initdb.Output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
        await File.AppendAllTextAsync(Path.Combine(attempt, "postgresql.conf"),
            $"""

            # MechanicBuddy dedicated instance of tenant {tenantId}
            port = {port}
            listen_addresses = '{Host.ListenAddress}'
            unix_socket_directories = ''
            shared_buffers = {Host.SharedBuffers}
            max_connections = {Host.MaxConnections}
            password_encryption = 'scram-sha-256'

            """, cancellationToken);
        Directory.Move(attempt, data);
        await WriteMarkerAsync(directory, new Marker(port, Initialized: true), cancellationToken);
        return port;
    }

    /// <summary>Best effort: earlier attempts' directories go once nothing writes to them any more (at the latest, with the tenant).</summary>
    static void RemoveAbandonedAttempts(string directory)
    {
        foreach (var abandoned in Directory.EnumerateDirectories(directory, "data.initdb-*"))
        {
            try
            {
                Directory.Delete(abandoned, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        foreach (var passwordFile in Directory.EnumerateFiles(directory, ".pwfile-*"))
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Starts the instance unless it runs; pg_ctl waits until it accepts connections.</summary>
    public async Task StartAsync(string tenantId, CancellationToken cancellationToken)
    {
        var data = DataDirectoryOf(tenantId);
        if ((await RunAsPostgresAsync("pg_ctl", ["-D", data, "status"], cancellationToken)).Succeeded)
        {
            return;
        }
        var log = Path.Combine(DirectoryOf(tenantId), "postgres.log");
        var start = await RunAsPostgresAsync("pg_ctl", ["-D", data, "-l", log, "-w", "-t", Host.ReadyTimeoutSeconds.ToString(), "start"], cancellationToken);
        if (!start.Succeeded)
        {
            var tail = File.Exists(log) ? string.Join('\n', (await File.ReadAllLinesAsync(log, cancellationToken)).TakeLast(5)) : "";
            throw new InvalidOperationException($"pg_ctl start exited {start.ExitCode}: {start.Output} {tail}".Trim());
        }
    }

    /// <summary>Connects as the superuser until the instance answers or the seed's readiness timeout passes.</summary>
    public async Task WaitUntilReadyAsync(string tenantId, string superuserPassword, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(Host.ReadyTimeoutSeconds);
        var connectionString = ConnectionString(tenantId, "postgres", Superuser, superuserPassword);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow < deadline && ex.IsTransient)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (PostgresException ex) when (DateTime.UtcNow < deadline && ex.SqlState == PostgresErrorCodes.CannotConnectNow)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Stops the instance (fast shutdown) and deletes its directory. A missing instance is not an error.</summary>
    public async Task RemoveAsync(string tenantId, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(tenantId);
        var data = DataDirectoryOf(tenantId);
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            var stop = await RunAsPostgresAsync("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
            if (!stop.Succeeded && (await RunAsPostgresAsync("pg_ctl", ["-D", data, "status"], cancellationToken)).Succeeded)
            {
                throw new InvalidOperationException($"pg_ctl stop exited {stop.ExitCode}: {stop.Output}");
            }
        }
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        logger.LogInformation("Instance of {TenantId} removed", tenantId);
    }

    /// <summary>True when something answers on the port.</summary>
    public static async Task<bool> IsListeningAsync(string address, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(address), port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    async Task<int> AllocatePortAsync(string directory, CancellationToken cancellationToken)
    {
        await PortAllocation.WaitAsync(cancellationToken);
        try
        {
            if (ReadMarker(directory) is { } raced)
            {
                return raced.Port;
            }
            var taken = TenantIds().Select(id => PortOf(id)).OfType<int>().ToHashSet();
            for (var port = Host.FirstPort; port <= Host.LastPort; port++)
            {
                if (!taken.Contains(port) && !await IsListeningAsync(Host.ListenAddress, port, cancellationToken))
                {
                    Directory.CreateDirectory(directory);
                    await WriteMarkerAsync(directory, new Marker(port, Initialized: false), cancellationToken);
                    return port;
                }
            }
            throw new InvalidOperationException($"no free port left in {Host.FirstPort}-{Host.LastPort} (Dedicated:SingleHost)");
        }
        finally
        {
            PortAllocation.Release();
        }
    }

    static Marker? ReadMarker(string directory)
    {
        var path = Path.Combine(directory, MarkerFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<Marker>(File.ReadAllText(path)) : null;
    }

    static async Task WriteMarkerAsync(string directory, Marker marker, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, MarkerFile);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(marker), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    async Task HandToPostgresUserAsync(string path, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }
        var chown = await CommandLine.RunAsync("chown", [$"{Host.PostgresOsUser}:", path], cancellationToken);
        if (!chown.Succeeded)
        {
            throw new InvalidOperationException($"chown {path} failed: {chown.Output}");
        }
    }

    Task<CommandResult> RunAsPostgresAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var binary = Path.Combine(Host.PostgresBinDirectory, tool);
        return IsRoot
            ? CommandLine.RunAsync("runuser", ["-u", Host.PostgresOsUser, "--", binary, .. arguments], cancellationToken)
            : CommandLine.RunAsync(binary, arguments, cancellationToken);
    }
}
