using MechanicBuddy.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace MechanicBuddy.UnitTests.ServiceDefaults;

/// <summary>Nothing the project ships as a secret (manifests, compose, local appsettings) starts a service in Production.</summary>
public sealed class ProductionSecretsTests
{
    static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    static readonly string Random = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData("Auth:SigningKey", "CHANGE-ME-TO-64-RANDOM-CHARACTERS")]
    [InlineData("Auth:SigningKey", "change-me-to-a-long-random-signing-key-of-64-characters-or-more")]
    [InlineData("Registry:ApiKey", "change-me-registry-key")]
    [InlineData("Services:TenantRegistry:ApiKey", "CHANGE-ME")]
    [InlineData("RabbitMq:Password", "guest")]
    [InlineData("Routing:Npm:Secret", "changeme")]
    [InlineData("ConnectionStrings:Registry", "Host=db;Database=r;Username=mechanicbuddy;Password=mechanicbuddy-local")]
    [InlineData("Provisioning:FreeTier:PostgresConnectionString", "Host=db;Database=s;Username=mechanicbuddy;Password=CHANGE-ME")]
    [InlineData("Provisioning:FreeTier:Pools:0:PostgresConnectionString", "Host=db;Database=s;Username=mechanicbuddy;Password=postgres")]
    public void A_known_placeholder_or_default_stops_a_production_start_and_is_named(string key, string value)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ProductionSecrets.Require(Config((key, value)), production: true));

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_secrets_pass_and_outside_production_nothing_is_checked()
    {
        var config = Config(("Auth:SigningKey", Random), ("RabbitMq:Password", Random), ("ConnectionStrings:Registry", $"Host=db;Username=mb;Password={Random}"),
            ("Routing:Npm:Identity", "admin@example.com"));
        ProductionSecrets.Require(config, production: true);
        ProductionSecrets.Require(Config(("RabbitMq:Password", "guest")), production: false);
    }

    [Fact]
    public void Every_secret_in_the_shipped_manifests_and_appsettings_is_refused()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var manifest = File.ReadAllLines(Path.Combine(root, "k8s/platform/20-config.yaml"))
            .Select(line => line.Trim()).Where(line => line.Contains("__", StringComparison.Ordinal) && line.Contains(": ", StringComparison.Ordinal))
            .Select(line => (Key: line[..line.IndexOf(": ", StringComparison.Ordinal)].Replace("__", ":", StringComparison.Ordinal), Value: line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .ToArray();
        var shipped = new ConfigurationBuilder()
            .AddInMemoryCollection(manifest.Select(m => new KeyValuePair<string, string?>(m.Key, m.Value)))
            .Build();
        var secrets = manifest.Where(m => m.Key.EndsWith("Password", StringComparison.Ordinal) || m.Key.EndsWith("Key", StringComparison.Ordinal)
            || m.Key.EndsWith("Secret", StringComparison.Ordinal) || m.Key.EndsWith("ConnectionString", StringComparison.Ordinal) || m.Key.StartsWith("ConnectionStrings:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(secrets);
        var forgeable = ProductionSecrets.Forgeable(shipped);
        Assert.All(secrets, s => Assert.Contains(forgeable, f => f.StartsWith(s.Key, StringComparison.Ordinal)));

        foreach (var service in new[] { "Gateway", "TenantRegistry", "SharedTierProvisioner", "DedicatedProvisioner" })
        {
            var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "services", service, "appsettings.json")).Build();
            Assert.NotEmpty(ProductionSecrets.Forgeable(settings));
        }
    }

    [Fact]
    public void A_broker_login_left_out_of_the_configuration_is_an_error_at_start_not_guest()
    {
        var unset = new RabbitMqOptions();
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(unset, new(unset), errors, validateAllProperties: true));
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(RabbitMqOptions.Username)));
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(RabbitMqOptions.Password)));
    }
}
