using System.Net.Mail;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;

namespace MechanicBuddy.Gateway.Validation;

/// <summary>Checks a signup completely and reports every problem at once, keyed by the JSON field it concerns.</summary>
public static class SignupValidator
{
    public const int MaxCompanyNameLength = 200;
    public const int MaxEmailLength = 254;

    public sealed record ValidSignup(string CompanyName, string SubscriptionTier, string OwnerEmail, string? CustomDomain, string DeploymentMode);

    public static (ValidSignup? Signup, Dictionary<string, string[]> Errors) Validate(TenantProvisioningRequest? request, ProvisioningOptions options)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        if (request is null)
        {
            Add("body", "a JSON object with companyName, subscriptionTier and ownerEmail is required");
            return (null, Flatten(errors));
        }

        var company = request.CompanyName?.Trim();
        if (string.IsNullOrEmpty(company))
        {
            Add("companyName", "is required");
        }
        else
        {
            if (company.Length > MaxCompanyNameLength)
            {
                Add("companyName", $"must be at most {MaxCompanyNameLength} characters (got {company.Length})");
            }
            if (company.Any(char.IsControl))
            {
                Add("companyName", "must not contain control characters");
            }
            if (!company.Any(char.IsLetterOrDigit))
            {
                Add("companyName", "must contain at least one letter or digit");
            }
        }

        var tier = request.SubscriptionTier?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(tier))
        {
            Add("subscriptionTier", $"is required: one of {string.Join(", ", SubscriptionTiers.All)}");
        }
        else if (!SubscriptionTiers.IsKnown(tier))
        {
            Add("subscriptionTier", $"'{Clip(request.SubscriptionTier!)}' is not a tier: one of {string.Join(", ", SubscriptionTiers.All)}");
        }

        var email = request.OwnerEmail?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            Add("ownerEmail", "is required");
        }
        else if (email.Length > MaxEmailLength || !IsEmail(email))
        {
            Add("ownerEmail", $"'{Clip(email)}' is not a valid email address");
        }

        var mode = tier is not null && SubscriptionTiers.IsKnown(tier) ? DeploymentModes.Decide(tier, options.FreeTier.Enabled) : null;
        var domain = request.CustomDomain?.Trim().TrimEnd('.').ToLowerInvariant();
        if (string.IsNullOrEmpty(domain))
        {
            domain = null;
        }
        else
        {
            if (!IsHostname(domain) || !domain.Contains('.', StringComparison.Ordinal))
            {
                Add("customDomain", $"'{Clip(request.CustomDomain!)}' is not a valid host name (e.g. shop.example.com)");
            }
            else if (domain.Split('.')[^1].All(char.IsAsciiDigit))
            {
                // 127.0.0.1, 10.0.0.1 and their like: a route for an address would take traffic meant for a server.
                Add("customDomain", $"'{Clip(domain)}' is an IP address; a custom domain must be a public DNS name");
            }
            else if (IsReservedName(domain) && !IsReservedName(options.BaseDomain))
            {
                // .localhost and the other special-use names (RFC 6761/6762/8375) are accepted only by a local install
                // (a base domain that is itself one of them); production serves public names only.
                Add("customDomain", $"'{Clip(domain)}' is a special-use name, not a public DNS name");
            }
            else if (domain == options.BaseDomain || domain.EndsWith("." + options.BaseDomain, StringComparison.Ordinal))
            {
                Add("customDomain", $"must not be under {options.BaseDomain}; tenants get {{id}}.{options.BaseDomain} without asking");
            }
            if (mode == DeploymentModes.Shared)
            {
                Add("customDomain", $"custom domains are not available on the {tier} tier (shared deployment)");
            }
        }

        if (errors.Count > 0)
        {
            return (null, Flatten(errors));
        }
        return (new ValidSignup(company!, tier!, email!, domain, mode!), []);
    }

    static Dictionary<string, string[]> Flatten(Dictionary<string, List<string>> errors) => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    /// <summary>Echo at most a little of what the caller sent: a 10,000-character name must not come back whole.</summary>
    static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "…";

    static bool IsEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at < 1 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or '\'' or ';' or ','))
        {
            return false;
        }
        var domain = email[(at + 1)..].ToLowerInvariant();
        return MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && IsHostname(domain) && domain.Contains('.', StringComparison.Ordinal);
    }

    static readonly string[] SpecialUseSuffixes = ["localhost", "local", "localdomain", "internal", "invalid", "test", "example", "home.arpa", "lan", "intranet"];

    static bool IsReservedName(string host) =>
        SpecialUseSuffixes.Any(suffix => host == suffix || host.EndsWith("." + suffix, StringComparison.Ordinal));

    static bool IsHostname(string host) =>
        host.Length is > 0 and <= 253 && host.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'));
}
