using System.Security.Cryptography;
using System.Text;
using MechanicBuddy.Gateway.Validation;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Security;

/// <summary>
/// A signup sent with an Idempotency-Key gets the same tenant id and the same one-time admin password every time it is
/// sent, without anything being stored: both come from an HMAC, under the Gateway's signing key, of the key together
/// with the whole signup (company, tier, owner, domain), so ten concurrent copies name one saga (the registry builds it
/// once) and all answer alike, while the same key sent with another signup derives nothing the first one has. The
/// registry keeps a keyed hash of the key with the tenant and refuses (422) the key for any other signup.
/// </summary>
public static class IdempotentSignup
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>Printable ASCII without spaces at the ends, 1 to 200 characters (the IETF draft's key is an opaque string).</summary>
    public static string? Validate(string key) =>
        key.Length is 0 or > MaxKeyLength || key.Any(c => c is < (char)0x21 or > (char)0x7e)
            ? $"must be 1 to {MaxKeyLength} visible ASCII characters (a UUID is a good key)"
            : null;

    public static (string TenantId, string Password, string KeyHash) For(string key, SignupValidator.ValidSignup signup, AuthOptions auth)
    {
        var secret = Encoding.UTF8.GetBytes(auth.SigningKey);
        // The signup as the registry compares it (SameSignup): one line per field, so no field can run into the next.
        var request = string.Join('\n', ShopKeys.Company(signup.CompanyName), signup.SubscriptionTier, ShopKeys.Email(signup.OwnerEmail),
            signup.CustomDomain ?? "");
        byte[] Seed(string purpose) => HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"mechanicbuddy:{purpose}:{key}\n{request}"));
        var keyHash = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("mechanicbuddy:idempotency-key:" + key)));
        return (TenantIds.Derive(signup.CompanyName, Seed("idempotent-tenant-id")), AdminPasswords.Derive(Seed("idempotent-admin-password")), keyHash);
    }
}
