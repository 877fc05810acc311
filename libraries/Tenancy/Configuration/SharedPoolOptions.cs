namespace MechanicBuddy.Tenancy.Configuration;

/// <summary>One shared PostgreSQL database holding up to MaxTenantsPerInstance tenant schemas.</summary>
public sealed class SharedPoolOptions
{
    public string Name { get; set; } = "default";
    public string? PostgresConnectionString { get; set; }
    public int MaxTenantsPerInstance { get; set; } = 100;
}
