using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Validation;
using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.UnitTests.Gateway;

public sealed class SignupValidatorTests
{
    static readonly ProvisioningOptions Options = new() { BaseDomain = "mechanicbuddy.app" };

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (signup, errors) = SignupValidator.Validate(new TenantProvisioningRequest { CompanyName = " ", SubscriptionTier = "gold", OwnerEmail = "nope" }, Options);

        Assert.Null(signup);
        Assert.Equal(["companyName", "ownerEmail", "subscriptionTier"], errors.Keys.Order());
    }

    [Fact]
    public void A_missing_body_is_an_error_not_a_crash()
    {
        var (signup, errors) = SignupValidator.Validate(null, Options);
        Assert.Null(signup);
        Assert.True(errors.ContainsKey("body"));
    }

    [Fact]
    public void A_valid_signup_is_normalised()
    {
        var (signup, errors) = SignupValidator.Validate(new TenantProvisioningRequest
        {
            CompanyName = "  Acme Auto Repair ", SubscriptionTier = "Professional", OwnerEmail = " owner@acmeauto.com ", CustomDomain = "Shop.AcmeAuto.com.",
        }, Options);

        Assert.Empty(errors);
        Assert.Equal(new SignupValidator.ValidSignup("Acme Auto Repair", "professional", "owner@acmeauto.com", "shop.acmeauto.com", "dedicated"), signup);
    }

    [Theory]
    [InlineData("owner@quickfix.com", true)]
    [InlineData("first.last+tag@sub.example.co", true)]
    [InlineData("owner@localhost", false)]
    [InlineData("owner quickfix.com", false)]
    [InlineData("a@b@c.com", false)]
    [InlineData("\"x\"@example.com", false)]
    [InlineData("x@example.com; DROP TABLE", false)]
    [InlineData("x@-bad-.com", false)]
    public void Owner_emails_must_be_plain_addresses(string email, bool valid)
    {
        var (_, errors) = SignupValidator.Validate(new TenantProvisioningRequest { CompanyName = "Shop", SubscriptionTier = "free", OwnerEmail = email }, Options);
        Assert.Equal(valid, !errors.ContainsKey("ownerEmail"));
    }

    [Theory]
    [InlineData("shop.acmeauto.com", "professional", true)]
    [InlineData("acmeauto", "professional", false)]
    [InlineData("x.mechanicbuddy.app", "professional", false)]
    [InlineData("shop.acme_auto.com", "enterprise", false)]
    [InlineData("shop.acmeauto.com", "free", false)]
    [InlineData("127.0.0.1", "professional", false)]
    [InlineData("10.0.0.7", "enterprise", false)]
    [InlineData("shop.localhost", "professional", false)]
    [InlineData("localhost", "professional", false)]
    [InlineData("printer.local", "professional", false)]
    [InlineData("db.internal", "professional", false)]
    public void Custom_domains_are_public_host_names_outside_our_domain_on_dedicated_tiers(string domain, string tier, bool valid)
    {
        var (_, errors) = SignupValidator.Validate(new TenantProvisioningRequest
        {
            CompanyName = "Shop", SubscriptionTier = tier, OwnerEmail = "a@b.example", CustomDomain = domain,
        }, Options);
        Assert.Equal(valid, !errors.ContainsKey("customDomain"));
    }

    [Fact]
    public void A_local_install_whose_base_domain_is_under_localhost_accepts_localhost_custom_domains()
    {
        var local = new ProvisioningOptions { BaseDomain = "mechanicbuddy.localhost" };
        var (_, errors) = SignupValidator.Validate(new TenantProvisioningRequest
        {
            CompanyName = "Shop", SubscriptionTier = "professional", OwnerEmail = "a@b.example", CustomDomain = "shop.acme.localhost",
        }, local);
        Assert.Empty(errors);
    }

    [Fact]
    public void With_the_free_tier_disabled_a_free_shop_is_dedicated_and_may_bring_a_domain()
    {
        var options = new ProvisioningOptions { FreeTier = new FreeTierOptions { Enabled = false } };
        var (signup, errors) = SignupValidator.Validate(new TenantProvisioningRequest
        {
            CompanyName = "Shop", SubscriptionTier = "free", OwnerEmail = "a@b.example", CustomDomain = "shop.example.com",
        }, options);

        Assert.Empty(errors);
        Assert.Equal("dedicated", signup!.DeploymentMode);
    }
}
