namespace MechanicBuddy.Provisioning.Routing;

/// <summary>The edge in front of the shared API/Web: one host route per tenant that injects X-Tenant-ID.</summary>
public interface ITenantRouteDriver
{
    /// <summary>Creates the route or brings an existing one to the wanted state, and returns once it serves traffic.</summary>
    Task EnsureRouteAsync(TenantRoute route, CancellationToken cancellationToken);

    /// <summary>Removes every route of the tenant. A missing route is not an error.</summary>
    Task RemoveRouteAsync(string tenantId, CancellationToken cancellationToken);

    Task<bool> RouteExistsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Every tenant that has a route on this edge (for the drift check).</summary>
    Task<IReadOnlyList<string>> ListRoutedTenantsAsync(CancellationToken cancellationToken);
}
