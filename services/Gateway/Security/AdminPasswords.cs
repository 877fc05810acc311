using System.Security.Cryptography;

namespace MechanicBuddy.Gateway.Security;

/// <summary>
/// The shop admin's first password: random, returned once to the caller, and hashed here so only the hash goes on
/// the broker and into the tenant's database. Format: PBKDF2$SHA256$iterations$salt$hash (base64).
/// </summary>
public static class AdminPasswords
{
    /// <summary>
    /// Key stretching protects guessable, human-chosen passwords. This one is 20 random characters from 64 (120 bits)
    /// and must be changed at first login, so a guess is hopeless at any round count; 10,000 rounds keeps the hash
    /// standard without spending ~40 ms of Gateway CPU per signup. The round count is in the hash for verifiers.
    /// </summary>
    const int Iterations = 10_000;
    const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-=?@";

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>The same password from the same secret seed (an idempotent signup's repeated answer); never stored anywhere.</summary>
    public static string Derive(ReadOnlySpan<byte> seed)
    {
        if (seed.Length < 20)
        {
            throw new ArgumentException("at least 20 bytes of seed are needed", nameof(seed));
        }
        Span<char> chars = stackalloc char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[seed[i] % Alphabet.Length];
        }
        return new string(chars);
    }

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"PBKDF2$SHA256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts.Length != 5 || parts[0] != "PBKDF2" || parts[1] != "SHA256" || !int.TryParse(parts[2], out var iterations))
        {
            return false;
        }
        var expected = Convert.FromBase64String(parts[4]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(parts[3]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
