using System.Net.Http.Headers;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.IntegrationTests.Support;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// The whole control plane as "up" runs it: TenantRegistry, SharedTierProvisioner, DedicatedProvisioner and Gateway as
/// separate processes, on a fresh registry database, a fresh shared pool, a RabbitMQ virtual host of their own, the
/// test nginx, and an echo backend standing in for the shared shop API/Web.
/// </summary>
public class ControlPlaneFixture : IAsyncLifetime
{
    public const string BaseDomain = "e2e.localhost";

    /// <summary>This control plane's base domain; variants take their own, so their routes never mix in the shared nginx.</summary>
    public virtual string Domain => BaseDomain;

    /// <summary>First port of this control plane's dedicated tenant instances.</summary>
    protected virtual int TenantFirstPort => 27000;
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];
    public TestDatabase Registry { get; private set; } = null!;
    public TestDatabase Pool { get; private set; } = null!;
    public RabbitVirtualHost Broker { get; private set; } = null!;
    public EchoBackend Echo { get; private set; } = null!;
    /// <summary>Stands in for the API/Web the single-host platform routes dedicated tenants to.</summary>
    public EchoBackend DedicatedEcho { get; private set; } = null!;
    public AuthOptions Auth { get; } = new() { SigningKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray()) };
    public const int SignupsPerMinute = 600;
    public string RegistryKey { get; } = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    public ServiceProcess RegistryService => Services.Single(s => s.Name == "TenantRegistry");
    public string SecretsDirectory => Path.Combine(TestEnvironment.VarDirectory, $"e2e-{RunId}-secrets");
    /// <summary>The dedicated worker's own secret store (as in production: one store per worker).</summary>
    public string DedicatedSecretsDirectory => Path.Combine(TestEnvironment.VarDirectory, $"e2e-{RunId}-dedicated-secrets");
    public string TenantInstancesDirectory => Path.Combine(TestEnvironment.VarDirectory, $"e2e-{RunId}-tenants");
    public List<ServiceProcess> Services { get; } = [];
    public ServiceProcess Gateway => Services.Single(s => s.Name == "Gateway");
    public HttpClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Registry = await TestDatabase.CreateAsync("mbt_registry");
        Pool = await TestDatabase.CreatePoolAsync("mbt_shared");
        Broker = await RabbitVirtualHost.CreateAsync("e2e");
        Echo = await EchoBackend.StartAsync("shared");
        DedicatedEcho = await EchoBackend.StartAsync("dedicated");

        var registryPort = TestEnvironment.FreeTcpPort();
        var environment = SharedTierSettings.For(Domain, Pool.ConnectionString, Echo.Url, SecretsDirectory).AsEnvironment();
        environment["ConnectionStrings__Registry"] = Registry.ConnectionString;
        environment["RabbitMq__Port"] = TestEnvironment.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["RabbitMq__VirtualHost"] = Broker.Name;
        environment["Auth__SigningKey"] = Auth.SigningKey;
        environment["Services__TenantRegistry__BaseUrl"] = $"http://127.0.0.1:{registryPort}";
        environment["Registry__ApiKey"] = RegistryKey;
        foreach (var (key, value) in DedicatedSettings.SingleHost(TenantInstancesDirectory, DedicatedEcho.Url, firstPort: TenantFirstPort).AsEnvironment())
        {
            environment[key] = value;
        }
        environment["Services__TenantRegistry__ApiKey"] = RegistryKey;
        var workerPorts = new Dictionary<string, int>
        {
            ["SharedTierProvisioner"] = TestEnvironment.FreeTcpPort(), ["DedicatedProvisioner"] = TestEnvironment.FreeTcpPort(),
        };
        environment["Inventory__ApiKey"] = RegistryKey;
        environment["Inbox__Directory"] = Path.Combine(TestEnvironment.VarDirectory, $"e2e-{RunId}-inbox");
        foreach (var (worker, port) in workerPorts)
        {
            environment[$"Services__{worker}__BaseUrl"] = $"http://127.0.0.1:{port}";
            environment[$"Services__{worker}__ApiKey"] = RegistryKey;
        }

        // Tier changes: the old side is kept a few seconds only, and a freeze gives up on a blocking transaction soon.
        environment["Provisioning__TierChange__GracePeriodSeconds"] = "6";
        environment["Provisioning__TierChange__FreezeLockTimeoutSeconds"] = "2";
        // The suite signs many shops up with one operator token; HostileSignupTests hits this limit on purpose.
        environment["Gateway__Limits__SignupsPerMinutePerClient"] = SignupsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Configure(environment);

        // The registry migrates its database first; the rest start beside each other.
        var registry = ServiceProcess.Start("TenantRegistry", WithBrokerUser(environment, "TenantRegistry"), RunId, registryPort);
        Services.Add(registry);
        await registry.WaitReadyAsync(TimeSpan.FromSeconds(90));
        foreach (var service in new[] { "SharedTierProvisioner", "DedicatedProvisioner", "Gateway" })
        {
            var own = WithBrokerUser(environment, service);
            if (service == "DedicatedProvisioner")
            {
                own["Secrets__Directory"] = DedicatedSecretsDirectory;
            }
            Services.Add(ServiceProcess.Start(service, own, RunId, workerPorts.TryGetValue(service, out var port) ? port : null));
        }
        await Task.WhenAll(Services.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));

        Client = Authorized(OperatorTokens.Mint(Auth, "e2e-operator", [AuthOptions.SuperAdminRole], TimeSpan.FromHours(1)));
    }

    /// <summary>The service's own broker user, as scripts/services.sh gives it (no service shares one, none is guest).</summary>
    static Dictionary<string, string> WithBrokerUser(Dictionary<string, string> environment, string service)
    {
        var user = TestEnvironment.BrokerUsers[service];
        return new Dictionary<string, string>(environment) { ["RabbitMq__Username"] = user.Name, ["RabbitMq__Password"] = TestEnvironment.BrokerPassword(user.Name) };
    }

    /// <summary>Settings a variant of the control plane changes (environment variables of every service).</summary>
    protected virtual void Configure(Dictionary<string, string> environment)
    {
    }

    public HttpClient Authorized(string? token)
    {
        var client = new HttpClient { BaseAddress = Gateway.Url, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public string AllLogs() => string.Join('\n', Services.Select(s => s.ReadLog()));

    public virtual async Task DisposeAsync()
    {
        foreach (var service in Services)
        {
            await service.DisposeAsync();
        }
        await EdgeRoutes.RemoveTenantsUnderAsync("." + Domain);
        await Echo.DisposeAsync();
        await DedicatedEcho.DisposeAsync();
        await Broker.DisposeAsync();
        await Pool.DisposeAsync();
        await Registry.DisposeAsync();
        await TenantInstances.StopAndDeleteAllAsync(TenantInstancesDirectory);
        var inbox = Path.Combine(TestEnvironment.VarDirectory, $"e2e-{RunId}-inbox");
        if (Directory.Exists(inbox))
        {
            Directory.Delete(inbox, recursive: true);
        }
        foreach (var secrets in new[] { SecretsDirectory, DedicatedSecretsDirectory }.Where(Directory.Exists))
        {
            Directory.Delete(secrets, recursive: true);
        }
    }
}

/// <summary>The control plane with a shared pool of room for <see cref="PoolCapacity"/> tenants.</summary>
public sealed class SmallPoolControlPlaneFixture : ControlPlaneFixture
{
    public const int PoolCapacity = 10;

    public override string Domain => "e2e-small.localhost";

    protected override int TenantFirstPort => 27200;

    protected override void Configure(Dictionary<string, string> environment) =>
        environment["Provisioning__FreeTier__MaxTenantsPerInstance"] = PoolCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class SmallPoolCollection : ICollectionFixture<SmallPoolControlPlaneFixture>
{
    public const string Name = "small pool control plane";
}

[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "control plane";
}
