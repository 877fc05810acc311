using System.Security.Cryptography;
using System.Text;

namespace MechanicBuddy.Tenancy;

/// <summary>Every name derived from a tenant id, in one place so no system ever sees a hand-built variant.</summary>
public sealed record TenantNames
{
    public const string SharedNamespace = "mechanicbuddy-free-tier";

    public string TenantId { get; }
    /// <summary>PostgreSQL schema "tenant_{id}" with '-' as '_' (≤ 53 bytes).</summary>
    public string Schema { get; }
    /// <summary>The schema's login role "tenant_{id}_app" (≤ 57 bytes, under PostgreSQL's 63).</summary>
    public string Role { get; }
    /// <summary>"tenant_{id}_mv": the short-lived login, a member of <see cref="Role"/> only, that a tier change moves the shop's data with.</summary>
    public string MoverRole { get; }
    /// <summary>Kubernetes namespace and Helm release "tenant-{id}" (≤ 53 characters).</summary>
    public string DedicatedNamespace { get; }
    public string HelmRelease { get; }

    public TenantNames(string tenantId)
    {
        TenantId = TenantIds.Require(tenantId);
        Schema = "tenant_" + tenantId.Replace('-', '_');
        Role = Schema + "_app";
        MoverRole = Schema + "_mv";
        DedicatedNamespace = "tenant-" + tenantId;
        HelmRelease = DedicatedNamespace;
    }

    public string Hostname(string baseDomain) => $"{TenantId}.{baseDomain}";

    /// <summary>The saga's correlation id: a name-based UUID of the tenant id, so every service derives the same one.</summary>
    public static Guid CorrelationIdFor(string tenantId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("mechanicbuddy:tenant:" + TenantIds.Require(tenantId)));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5 layout (name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
