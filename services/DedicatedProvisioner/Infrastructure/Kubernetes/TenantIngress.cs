using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>What the release's Ingress serves and whether cert-manager has issued its certificate yet.</summary>
public sealed record IngressState(IReadOnlyList<string> Hosts, string? TlsSecret, string CertificateState, bool CertificateReady);

/// <summary>
/// Seed step 7: the chart makes the Ingress (/ → Web, /api → API) with cert-manager's annotation; this reads back
/// what was made. Certificate issuance is reported, never waited for: a failed ACME order retries for hours.
/// </summary>
public sealed class TenantIngress(IKubernetes client)
{
    public async Task<IngressState> ReadAsync(string @namespace, CancellationToken cancellationToken)
    {
        var ingress = await client.NetworkingV1.ReadNamespacedIngressAsync(HelmValues.IngressName, @namespace, cancellationToken: cancellationToken);
        var hosts = ingress.Spec?.Rules?.Select(r => r.Host).Where(h => !string.IsNullOrEmpty(h)).ToList() ?? [];
        var secret = ingress.Spec?.Tls?.FirstOrDefault()?.SecretName;
        if (secret is null)
        {
            return new IngressState(hosts, null, "no TLS on the ingress", false);
        }
        try
        {
            var certificate = await client.CustomObjects.GetNamespacedCustomObjectAsync("cert-manager.io", "v1", @namespace, "certificates", secret,
                cancellationToken: cancellationToken);
            var json = certificate is JsonElement element ? element : JsonSerializer.SerializeToElement(certificate);
            var ready = json.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
                ? conditions.EnumerateArray().FirstOrDefault(c => c.GetProperty("type").GetString() == "Ready")
                : default;
            if (ready.ValueKind == JsonValueKind.Object)
            {
                var isReady = ready.GetProperty("status").GetString() == "True";
                var message = ready.TryGetProperty("message", out var m) ? m.GetString() : null;
                return new IngressState(hosts, secret, isReady ? "certificate issued" : $"certificate not issued yet: {message}", isReady);
            }
            return new IngressState(hosts, secret, "certificate requested, no status yet", false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return new IngressState(hosts, secret, "cert-manager has not created the certificate yet", false);
        }
    }
}
