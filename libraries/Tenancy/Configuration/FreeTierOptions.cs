using System.ComponentModel.DataAnnotations;

namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>Seed: <c>Provisioning:FreeTier</c>. Pools extend it: the shared tier is a list of databases, each with its own capacity.</summary>
public sealed class FreeTierOptions
{
    public bool Enabled { get; set; } = true;

    [Required]
    public string Namespace { get; set; } = TenantNames.SharedNamespace;

    [Range(1, 100_000)]
    public int MaxTenantsPerInstance { get; set; } = 100;

    /// <summary>The one pool used when <see cref="Pools"/> is empty.</summary>
    public string? PostgresConnectionString { get; set; }

    public string ApiUrl { get; set; } = "http://api.mechanicbuddy-free-tier.svc.cluster.local";
    public string WebUrl { get; set; } = "http://web.mechanicbuddy-free-tier.svc.cluster.local";

    /// <summary>Seed: free tenants are limited to 5 mechanics/users.</summary>
    [Range(1, 10_000)]
    public int MechanicLimit { get; set; } = 5;

    /// <summary>
    /// How many connections one tenant's role may hold at once (PostgreSQL CONNECTION LIMIT), so no tenant can take a
    /// server's connections from the others. A pool's budget is its capacity times this; see
    /// <see cref="ControlPlaneConnectionReserve"/>.
    /// </summary>
    [Range(1, 1000)]
    public int TenantConnectionLimit { get; set; } = 2;

    /// <summary>Connections of a pool's server kept for the control plane: the pools on one server may promise their tenants at most max_connections minus this.</summary>
    [Range(1, 10_000)]
    public int ControlPlaneConnectionReserve { get; set; } = 50;

    /// <summary>Lets pools promise more connections than their server has (benchmarks with huge pools); never in production.</summary>
    public bool AllowConnectionOversubscription { get; set; }

    public List<SharedPoolOptions> Pools { get; set; } = [];

    /// <summary>Servers the control plane creates pools on by itself, as the pools with room run low.</summary>
    public List<SharedServerOptions> Servers { get; set; } = [];

    /// <summary>How many pools with room the control plane keeps ready: fewer, and it creates the next one.</summary>
    [Range(1, 100)]
    public int PoolHeadroom { get; set; } = 1;

    /// <summary>How often the registry checks the headroom and finishes pools a crash left half-prepared (it also checks after signups).</summary>
    [Range(1, 3600)]
    public int PoolCheckSeconds { get; set; } = 10;

    /// <summary>
    /// The pools listed in configuration; a single "default" pool built from the seed's keys when none are listed and
    /// no server grows pools by itself.
    /// </summary>
    public IReadOnlyList<SharedPoolOptions> EffectivePools() =>
        Pools.Count > 0 ? Pools
        : Servers.Count > 0 && string.IsNullOrWhiteSpace(PostgresConnectionString) ? []
        : [new SharedPoolOptions { Name = "default", PostgresConnectionString = PostgresConnectionString, MaxTenantsPerInstance = MaxTenantsPerInstance }];

    /// <summary>A configured pool, or one the control plane created on a configured server (named after it).</summary>
    public SharedPoolOptions Pool(string name) =>
        EffectivePools().FirstOrDefault(p => p.Name == name) ?? CreatedPool(name) ?? throw new InvalidOperationException($"Shared pool '{name}' is not configured");

    /// <summary>The configured server a created pool belongs to (by its name), and the pool's number on it.</summary>
    public SharedServerOptions? ServerOfCreatedPool(string pool, out int number) =>
        SharedPoolNames.TryParse(pool, out var serverName, out number) ? Servers.FirstOrDefault(s => s.Name == serverName) : null;

    SharedPoolOptions? CreatedPool(string name) =>
        ServerOfCreatedPool(name, out var number) is { PostgresConnectionString: { } connectionString } server
            ? new SharedPoolOptions
            {
                Name = name, MaxTenantsPerInstance = MaxTenantsPerInstance,
                PostgresConnectionString = $"{connectionString.TrimEnd(';')};Database={SharedPoolNames.Database(server.Name, number)}",
            }
            : null;
}
