using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Drift;

/// <summary>
/// Compares the registry with what the workers found. An Active tenant must have every piece of its path (shared:
/// schema, role, route, secret; single host: a listening instance, route, secret; Kubernetes: its namespace); a tenant
/// that is Failed, Deprovisioned or unknown must have none; the old side of a tier change in its grace period may still
/// be there. Tenants mid-way (Provisioning, Compensating, Deprovisioning, suspension and tier-change phases) are listed, not judged. A piece is called missing only when the worker that answers for the tenant's
/// deployment mode answered: an unreachable worker is reported as such, not as everything of its tenants gone.
/// </summary>
public static class DriftCheck
{
    static readonly IReadOnlyList<string> Transitional = TenantStatuses.Transitional;

    const string SchemaVersionKind = InventoryItem.SchemaVersionKind;

    public static DriftReport Compute(IReadOnlyList<TenantDto> tenants, IReadOnlyList<Inventory> inventories, IReadOnlyList<string> unreachable,
        DateTimeOffset now, string? onlyTenant = null)
    {
        var byId = tenants.ToDictionary(t => t.Id);
        var found = inventories.SelectMany(i => i.Items)
            .Where(i => onlyTenant is null || i.TenantId == onlyTenant)
            .DistinctBy(i => (i.Kind, i.TenantId, i.Location))
            .ToLookup(i => i.TenantId);
        var answered = inventories.Select(i => i.DeploymentMode).ToHashSet();
        var missing = new List<DriftFinding>();
        var orphaned = new List<DriftFinding>();
        var versions = new List<DriftFinding>();
        var inProgress = new List<string>();

        foreach (var tenant in tenants.Where(t => onlyTenant is null || t.Id == onlyTenant))
        {
            if (Transitional.Contains(tenant.Status))
            {
                inProgress.Add(tenant.Id);
                continue;
            }
            var expected = tenant.Status is TenantStatuses.Active or TenantStatuses.Suspended ? ExpectedKinds(tenant) : [];
            // A shop's real schema version (read from its journal where a worker can): judged, never a piece of its own.
            var pieces = found[tenant.Id].Where(p => p.Kind != SchemaVersionKind).ToList();
            if (tenant.Status is TenantStatuses.Active or TenantStatuses.Suspended && tenant.SchemaVersion is { } recorded
                && found[tenant.Id].FirstOrDefault(p => p.Kind == SchemaVersionKind && p.Location == InventoryItem.VersionLocation(tenant.DeploymentMode, tenant.Pool)) is { } real
                && real.Detail != recorded.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                versions.Add(new DriftFinding
                {
                    TenantId = tenant.Id, Status = tenant.Status, Kind = SchemaVersionKind, Location = real.Location,
                    Detail = $"recorded version {recorded}, the shop's journal is at {real.Detail}",
                });
            }
            foreach (var kind in answered.Contains(tenant.DeploymentMode) ? expected : [])
            {
                var piece = pieces.FirstOrDefault(p => p.Kind == kind);
                if (piece is null)
                {
                    missing.Add(new DriftFinding { TenantId = tenant.Id, Status = tenant.Status, Kind = kind, Location = ExpectedLocation(tenant, kind) });
                }
                else if (piece.Detail?.StartsWith("NOT ", StringComparison.Ordinal) == true)
                {
                    missing.Add(new DriftFinding { TenantId = tenant.Id, Status = tenant.Status, Kind = kind, Location = piece.Location, Detail = piece.Detail });
                }
            }
            // The old side of a tier change, in its grace period, is expected too (not judged missing: it is on its way out).
            var retiring = tenant.Retiring is { } old ? tenant with { DeploymentMode = old.DeploymentMode, Platform = old.Platform, Pool = old.Pool } : null;
            var allowed = retiring is null ? expected : [.. expected, .. ExpectedKinds(retiring)];
            var pools = new[] { tenant.Pool, retiring?.Pool }.Where(p => p is not null).Select(p => $"pool {p}").ToList();
            orphaned.AddRange(pieces.Where(p => !allowed.Contains(p.Kind) || (p.Kind is "schema" or "role" && !pools.Contains(p.Location)))
                .Select(p => Finding(p, tenant.Status)));
        }
        // Pieces named for tenants the registry has never heard of.
        orphaned.AddRange(found.Where(g => !byId.ContainsKey(g.Key)).SelectMany(g => g).Where(p => p.Kind != SchemaVersionKind).Select(p => Finding(p, null)));

        return new DriftReport
        {
            CheckedAt = now,
            Clean = missing.Count == 0 && orphaned.Count == 0 && versions.Count == 0 && unreachable.Count == 0,
            TenantsChecked = onlyTenant is null ? tenants.Count : tenants.Count(t => t.Id == onlyTenant),
            Missing = missing,
            Orphaned = orphaned,
            VersionMismatches = versions,
            InProgress = inProgress,
            Unreachable = unreachable,
        };
    }

    static DriftFinding Finding(InventoryItem piece, string? status) =>
        new() { TenantId = piece.TenantId, Status = status, Kind = piece.Kind, Location = piece.Location, Detail = piece.Detail };

    static string[] ExpectedKinds(TenantDto tenant) => tenant switch
    {
        { DeploymentMode: DeploymentModes.Shared } => ["schema", "role", "route", "secret"],
        { DeploymentMode: DeploymentModes.Dedicated, Platform: DedicatedPlatforms.Kubernetes } => ["namespace"],
        { DeploymentMode: DeploymentModes.Dedicated } => ["instance", "route", "secret"],
        _ => [],
    };

    static string ExpectedLocation(TenantDto tenant, string kind) => kind switch
    {
        "schema" or "role" => $"pool {tenant.Pool}",
        "namespace" => "cluster",
        "instance" => "instances directory",
        "route" => "edge",
        _ => "secret store",
    };
}
