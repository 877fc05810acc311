using Refit;

namespace MechanicBuddy.Provisioning.Routing.Npm;

/// <summary>The slice of Nginx Proxy Manager's REST API (backend/schema) the shared tier uses.</summary>
public interface INginxProxyManagerApi
{
    [Post("/api/tokens")]
    Task<NpmToken> CreateTokenAsync([Body] NpmTokenRequest request, CancellationToken cancellationToken);

    [Get("/api/nginx/proxy-hosts")]
    Task<List<NpmProxyHost>> ListProxyHostsAsync([Authorize] string token, CancellationToken cancellationToken);

    [Post("/api/nginx/proxy-hosts")]
    Task<NpmProxyHost> CreateProxyHostAsync([Authorize] string token, [Body] NpmProxyHostRequest request, CancellationToken cancellationToken);

    /// <summary>NPM's PUT is a partial update; we always send the whole wanted state.</summary>
    [Put("/api/nginx/proxy-hosts/{id}")]
    Task<NpmProxyHost> UpdateProxyHostAsync([Authorize] string token, int id, [Body] NpmProxyHostRequest request, CancellationToken cancellationToken);

    /// <summary>A disabled host's nginx config is taken out; NPM answers 400 "Host is already disabled" when it is.</summary>
    [Post("/api/nginx/proxy-hosts/{id}/disable")]
    Task<bool> DisableProxyHostAsync([Authorize] string token, int id, CancellationToken cancellationToken);

    [Post("/api/nginx/proxy-hosts/{id}/enable")]
    Task<bool> EnableProxyHostAsync([Authorize] string token, int id, CancellationToken cancellationToken);

    [Delete("/api/nginx/proxy-hosts/{id}")]
    Task DeleteProxyHostAsync([Authorize] string token, int id, CancellationToken cancellationToken);
}
