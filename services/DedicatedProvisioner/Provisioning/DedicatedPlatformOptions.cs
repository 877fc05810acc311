using MechanicBuddy.Tenancy;
using System.ComponentModel.DataAnnotations;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;
using MechanicBuddy.DedicatedProvisioner.Infrastructure.SingleHost;

namespace MechanicBuddy.DedicatedProvisioner.Provisioning;

/// <summary>Section <c>Dedicated</c>: which platform builds dedicated tenants.</summary>
public sealed class DedicatedPlatformOptions
{
    public const string Section = "Dedicated";

    /// <summary>"kubernetes", "single-host", or empty: Kubernetes when a Kubernetes section is configured, else this host.</summary>
    [RegularExpression("^(|kubernetes|single-host)$")]
    public string? Platform { get; set; }

    public SingleHostOptions SingleHost { get; set; } = new();

    public string Resolve(KubernetesOptions kubernetes) =>
        string.IsNullOrEmpty(Platform) ? (kubernetes.IsConfigured ? DedicatedPlatforms.Kubernetes : DedicatedPlatforms.SingleHost) : Platform;
}
