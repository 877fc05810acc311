namespace MechanicBuddy.SharedTierProvisioner.Provisioning;

/// <summary>The seed's Path 1 steps, in order. Names appear in progress events, the provisioning log and failure reports.</summary>
public static class SharedTenantSteps
{
    public const string CreateSchema = "CreateSchema";
    public const string RunMigrations = "RunMigrations";
    public const string SeedData = "SeedData";
    public const string ConfigureRouting = "ConfigureRouting";

    public static readonly IReadOnlyList<string> All = [CreateSchema, RunMigrations, SeedData, ConfigureRouting];
}
