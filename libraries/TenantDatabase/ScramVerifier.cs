using System.Security.Cryptography;
using System.Text;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// Builds PostgreSQL's SCRAM-SHA-256 verifier for a password, so CREATE/ALTER ROLE never carry the plaintext
/// (which PostgreSQL would otherwise write to its log with log_statement or on an error).
/// </summary>
public static class ScramVerifier
{
    const int Iterations = 4096;

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
