using System.Text;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.UnitTests.Tenancy;

public sealed class TenantIdsTests
{
    [Theory]
    [InlineData("Quick Fix Garage", "quick-fix")]
    [InlineData("Acme Auto Repair", "acme-auto")]
    [InlineData("Joe's Garage", "joes-garage")]
    [InlineData("  Café   Müller  ", "cafe-muller")]
    [InlineData("日本", "shop")]
    [InlineData("42 Wheels", "42-wheels")]
    [InlineData("Robert'); DROP TABLE users;--", "robert-drop")]
    public void The_id_is_the_first_words_as_a_slug_plus_a_random_suffix(string companyName, string slug)
    {
        var id = TenantIds.Generate(companyName);

        Assert.Matches($"^{slug}-[a-z0-9]{{6}}$", id);
        Assert.True(TenantIds.IsValid(id));
    }

    [Fact]
    public void Two_signups_of_the_same_name_get_different_ids()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => TenantIds.Generate("Quick Fix Garage")).ToHashSet();
        Assert.Equal(200, ids.Count);
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(60)]
    public void Long_names_give_ids_that_fit_every_system_they_reach(int length)
    {
        var id = TenantIds.Generate(new string('x', length) + " " + new string('y', length));
        var names = new TenantNames(id);

        Assert.True(id.Length <= TenantIds.MaxLength);
        Assert.True(names.HelmRelease.Length <= 53, "Helm release names are at most 53 characters");
        Assert.True(names.DedicatedNamespace.Length <= 63, "namespaces are DNS-1123 labels");
        Assert.True(Encoding.UTF8.GetByteCount(names.Schema) <= 63, "PostgreSQL identifiers are at most 63 bytes");
        Assert.True(Encoding.UTF8.GetByteCount(names.Role) <= 63);
        Assert.True(names.Hostname("mechanicbuddy.app").Split('.')[0].Length <= 63);
    }

    [Theory]
    [InlineData("quick-fix-x7y8z9", true)]
    [InlineData("a", true)]
    [InlineData("Quick-fix", false)]
    [InlineData("quick_fix", false)]
    [InlineData("-quick", false)]
    [InlineData("quick-", false)]
    [InlineData("quick--fix", false)]
    [InlineData("quick.fix", false)]
    [InlineData("quick fix", false)]
    [InlineData("x'; drop", false)]
    [InlineData("quick-fix\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_dns_label_ids_within_the_length_limit_are_valid(string? id, bool valid)
    {
        Assert.Equal(valid, TenantIds.IsValid(id));
        Assert.False(TenantIds.IsValid(new string('a', TenantIds.MaxLength + 1)));
    }

    [Fact]
    public void Names_derive_from_the_id_as_the_seed_shows()
    {
        var names = new TenantNames("quick-fix-x7y8z9");

        Assert.Equal("tenant_quick_fix_x7y8z9", names.Schema);
        Assert.Equal("tenant_quick_fix_x7y8z9_app", names.Role);
        Assert.Equal("tenant-quick-fix-x7y8z9", names.DedicatedNamespace);
        Assert.Equal("tenant-quick-fix-x7y8z9", names.HelmRelease);
        Assert.Equal("quick-fix-x7y8z9.mechanicbuddy.app", names.Hostname("mechanicbuddy.app"));
        Assert.Throws<ArgumentException>(() => new TenantNames("Bad_Id"));
    }

    [Fact]
    public void The_correlation_id_is_stable_per_tenant_and_distinct_between_tenants()
    {
        Assert.Equal(TenantNames.CorrelationIdFor("quick-fix-x7y8z9"), TenantNames.CorrelationIdFor("quick-fix-x7y8z9"));
        Assert.NotEqual(TenantNames.CorrelationIdFor("quick-fix-x7y8z9"), TenantNames.CorrelationIdFor("quick-fix-x7y8z8"));
    }

    [Theory]
    [InlineData("free", true, "shared")]
    [InlineData("demo", true, "shared")]
    [InlineData("professional", true, "dedicated")]
    [InlineData("enterprise", true, "dedicated")]
    [InlineData("free", false, "dedicated")]
    [InlineData("demo", false, "dedicated")]
    [InlineData("professional", false, "dedicated")]
    public void The_path_follows_the_seeds_decision_flow(string tier, bool freeTierEnabled, string mode)
    {
        Assert.Equal(mode, DeploymentModes.Decide(tier, freeTierEnabled));
    }
}
