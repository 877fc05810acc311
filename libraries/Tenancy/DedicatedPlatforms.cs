namespace MechanicBuddy.Tenancy;

/// <summary>Where dedicated tenants live; the dedicated worker reports one of these and the registry records it on the tenant.</summary>
public static class DedicatedPlatforms
{
    public const string Kubernetes = "kubernetes";
    public const string SingleHost = "single-host";
}
