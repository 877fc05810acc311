namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>
/// <c>Provisioning:FreeTier:Servers</c>: a PostgreSQL server the control plane grows the shared tier on, one pool
/// database after another (<see cref="SharedPoolNames"/>), up to <see cref="MaxPools"/>. Each pool holds
/// <c>Provisioning:FreeTier:MaxTenantsPerInstance</c> tenants.
/// </summary>
public sealed class SharedServerOptions
{
    /// <summary>Lower-case letters, digits and '-' (at most 40): the prefix of its pools' names.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The control plane's own login on the server (no superuser, no CREATEROLE) and a database it may connect to for
    /// listing the server's pools (the registry's, say); each pool is reached in its own database.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// A superuser login, given to the registry only: it creates each pool database and prepares it (pool-database.sql)
    /// as a DBA would; nothing else runs with it.
    /// </summary>
    public string? AdminConnectionString { get; set; }

    /// <summary>How many pool databases the server may hold (its capacity in pools).</summary>
    public int MaxPools { get; set; } = 10;
}
