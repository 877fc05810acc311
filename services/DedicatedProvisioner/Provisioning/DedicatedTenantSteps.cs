namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>Step names of the seed's Path 2 as they appear in progress events, the provisioning log and failure reports.</summary>
public static class DedicatedTenantSteps
{
    // Kubernetes (seed steps 1–7; step 8 is the registry's UpdateTenantRecord).
    public const string CreateNamespace = "CreateNamespace";
    public const string BuildHelmValues = "BuildHelmValues";
    public const string DeployHelmChart = "DeployHelmChart";
    public const string WaitForPostgres = "WaitForPostgres";
    public const string WaitForApi = "WaitForApi";
    public const string WaitForWeb = "WaitForWeb";
    public const string ConfigureIngress = "ConfigureIngress";

    // Single host: the tenant's own PostgreSQL instance takes the place of namespace, release and pods.
    public const string CreateInstance = "CreateInstance";
    public const string CreateDatabase = "CreateDatabase";
    public const string RunMigrations = "RunMigrations";
    public const string SeedData = "SeedData";
    public const string ConfigureRouting = "ConfigureRouting";

    // A resize in place: the quota first held for both tiers, then the new tier's; on single host the shop's own limits.
    public const string ResizeQuota = "ResizeQuota";
    public const string ApplyTierLimits = "ApplyTierLimits";

    public const string Compensate = "Compensate";
    public const string Deprovision = "Deprovision";
}
