using MechanicBuddy.TenantDatabase;

namespace MechanicBuddy.UnitTests.TenantDatabase;

public sealed class ShopSchemaVersionsTests
{
    [Fact]
    public void The_latest_version_is_the_number_of_the_last_shop_migration_in_the_source()
    {
        var root = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(root, "libraries")))
        {
            root = Path.GetDirectoryName(root)!;
        }
        var scripts = Directory.GetFiles(Path.Combine(root, "libraries", "TenantDatabase", "Migrations"), "*.sql").Select(Path.GetFileName).Order().ToList();

        Assert.NotEmpty(scripts);
        Assert.Equal(int.Parse(scripts[^1]![..4], System.Globalization.CultureInfo.InvariantCulture), ShopSchemaVersions.Latest);
    }

    [Theory]
    [InlineData("MechanicBuddy.TenantDatabase.Migrations.0002_create_indexes.sql", 2)]
    [InlineData("MechanicBuddy.TenantDatabase.Migrations.0117_add_bays.sql", 117)]
    public void A_scripts_version_is_its_leading_number(string script, int version) => Assert.Equal(version, ShopSchemaVersions.Of(script));

    [Fact]
    public void A_script_without_a_number_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => ShopSchemaVersions.Of("MechanicBuddy.TenantDatabase.Migrations.add_bays.sql"));
}
