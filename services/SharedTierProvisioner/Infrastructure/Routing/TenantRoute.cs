namespace MechanicBuddy.SharedTierProvisioner.Infrastructure.Routing;

/// <summary>Host → shared Web ("/") and API ("/api"), with X-Tenant-ID set to TenantId whatever the client sent.</summary>
public sealed record TenantRoute(string TenantId, string Hostname, Uri WebUpstream, Uri ApiUpstream);
