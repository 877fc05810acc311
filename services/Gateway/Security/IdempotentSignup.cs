using System.Security.Cryptography;
using System.Text;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Gateway.Security;

/// <summary>
/// A signup sent with an Idempotency-Key gets the same tenant id and the same one-time admin password every time it is
/// sent, without anything being stored: both come from an HMAC of the key under the Gateway's signing key. Ten
/// concurrent copies therefore name one saga (the registry builds it once) and all answer alike; the registry refuses
/// the key when it is reused for a different signup.
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

    public static (string TenantId, string Password) For(string key, string companyName, AuthOptions auth)
    {
        var secret = Encoding.UTF8.GetBytes(auth.SigningKey);
        var idSeed = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("mechanicbuddy:idempotent-tenant-id:" + key));
        var passwordSeed = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("mechanicbuddy:idempotent-admin-password:" + key));
        return (TenantIds.Derive(companyName, idSeed), AdminPasswords.Derive(passwordSeed));
    }
}
