using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Drift;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.UnitTests.Gateway;

public sealed class DriftCheckTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    static TenantDto Tenant(string id, string status, string mode) => new()
    {
        Id = id, CompanyName = id, SubscriptionTier = mode == DeploymentModes.Shared ? "free" : "professional", OwnerEmail = "o@example.com",
        DeploymentMode = mode, Status = status, Pool = mode == DeploymentModes.Shared ? "default" : null, RequestedAt = Now,
    };

    static Inventory Shared(params InventoryItem[] items) => new() { Source = "shared-tier-provisioner", DeploymentMode = DeploymentModes.Shared, Items = items };

    static InventoryItem Piece(string kind, string tenant, string location) => new() { Kind = kind, TenantId = tenant, Location = location };

    static InventoryItem[] AllSharedPieces(string tenant) =>
        [Piece("schema", tenant, "pool default"), Piece("role", tenant, "pool default"), Piece("route", tenant, "edge"), Piece("secret", tenant, "secret store")];

    [Fact]
    public void A_complete_active_tenant_and_a_clean_failed_one_are_clean()
    {
        var report = DriftCheck.Compute([Tenant("a", TenantStatuses.Active, DeploymentModes.Shared), Tenant("f", TenantStatuses.Failed, DeploymentModes.Shared)],
            [Shared(AllSharedPieces("a"))], [], Now);

        Assert.True(report.Clean);
        Assert.Equal(2, report.TenantsChecked);
    }

    [Fact]
    public void A_shop_whose_journal_is_at_another_version_than_its_record_is_drift_and_a_matching_one_is_not()
    {
        InventoryItem Version(string tenant, string version) => Piece("schema-version", tenant, "pool default") with { Detail = version };
        var behind = Tenant("b", TenantStatuses.Active, DeploymentModes.Shared) with { SchemaVersion = 4 };
        var current = Tenant("c", TenantStatuses.Suspended, DeploymentModes.Shared) with { SchemaVersion = 4 };

        var report = DriftCheck.Compute([behind, current],
            [Shared([.. AllSharedPieces("b"), .. AllSharedPieces("c"), Version("b", "2"), Version("c", "4"), Version("stranger", "4")])], [], Now);

        Assert.False(report.Clean);
        var mismatch = Assert.Single(report.VersionMismatches);
        Assert.Equal(("b", "recorded version 4, the shop's journal is at 2"), (mismatch.TenantId, mismatch.Detail));
        // A version is never a piece of its own: neither missing nor orphaned.
        Assert.Empty(report.Missing);
        Assert.Empty(report.Orphaned);
    }

    [Fact]
    public void Missing_pieces_orphans_and_unknown_tenants_are_listed()
    {
        var report = DriftCheck.Compute([Tenant("a", TenantStatuses.Active, DeploymentModes.Shared), Tenant("f", TenantStatuses.Failed, DeploymentModes.Shared)],
            [Shared([.. AllSharedPieces("a").Where(p => p.Kind != "role"), Piece("schema", "f", "pool default"), Piece("secret", "stranger", "secret store")])], [], Now);

        Assert.False(report.Clean);
        var missing = Assert.Single(report.Missing);
        Assert.Equal(("a", "role"), (missing.TenantId, missing.Kind));
        Assert.Equal([("f", "schema"), ("stranger", "secret")], report.Orphaned.Select(f => (f.TenantId, f.Kind)).Order().ToList());
    }

    [Fact]
    public void The_old_side_of_a_tier_change_is_expected_while_it_is_kept_and_an_orphan_once_it_should_be_gone()
    {
        // Upgraded to a single-host instance; the shared schema, role and secret are kept for the grace period.
        var upgraded = Tenant("u", TenantStatuses.Active, DeploymentModes.Dedicated) with
        {
            Platform = DedicatedPlatforms.SingleHost,
            Retiring = new TenantDto.OldSide { DeploymentMode = DeploymentModes.Shared, Pool = "default", RemoveAt = Now.AddHours(1) },
        };
        var dedicated = new Inventory
        {
            Source = "dedicated-provisioner", DeploymentMode = DeploymentModes.Dedicated,
            Items = [Piece("instance", "u", "instances directory"), Piece("route", "u", "edge"), Piece("secret", "u", "secret store")],
        };
        var oldSide = AllSharedPieces("u").Where(p => p.Kind != "route").ToArray();

        Assert.True(DriftCheck.Compute([upgraded], [Shared(oldSide), dedicated], [], Now).Clean);

        var retired = upgraded with { Retiring = null };
        var report = DriftCheck.Compute([retired], [Shared(oldSide), dedicated], [], Now);
        // (A secret is expected of either side, so the check cannot tell the old side's from the new one's.)
        Assert.Equal(["role", "schema"], report.Orphaned.Select(f => f.Kind).Order().ToList());
        // A change in progress is listed, not judged.
        Assert.Equal(["u"], DriftCheck.Compute([retired with { Status = TenantStatuses.TierCopyingData }], [dedicated], [], Now).InProgress);
    }

    [Fact]
    public void An_unreachable_worker_is_reported_and_its_tenants_are_not_called_missing()
    {
        // Only the dedicated worker answered; the shared tenant's pieces are unknown, not gone.
        var dedicated = new Inventory { Source = "dedicated-provisioner", DeploymentMode = DeploymentModes.Dedicated, Items = [] };
        var report = DriftCheck.Compute([Tenant("a", TenantStatuses.Active, DeploymentModes.Shared), Tenant("d", TenantStatuses.Active, DeploymentModes.Dedicated)],
            [dedicated], ["SharedTierProvisioner: connection refused"], Now);

        Assert.False(report.Clean);
        Assert.Equal(["SharedTierProvisioner: connection refused"], report.Unreachable);
        Assert.All(report.Missing, f => Assert.Equal("d", f.TenantId));
        Assert.Equal(["instance", "route", "secret"], report.Missing.Select(f => f.Kind).Order().ToList());
    }

    [Fact]
    public void Tenants_mid_way_are_listed_not_judged()
    {
        var report = DriftCheck.Compute([Tenant("p", TenantStatuses.Provisioning, DeploymentModes.Shared)], [Shared(Piece("schema", "p", "pool default"))], [], Now);

        Assert.True(report.Clean);
        Assert.Equal(["p"], report.InProgress);
    }
}
