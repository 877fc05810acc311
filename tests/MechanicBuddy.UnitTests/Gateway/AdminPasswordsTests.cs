using MechanicBuddy.Gateway.Security;

namespace MechanicBuddy.UnitTests.Gateway;

public sealed class AdminPasswordsTests
{
    [Fact]
    public void A_hash_verifies_its_password_and_nothing_else()
    {
        var password = AdminPasswords.Generate();
        var hash = AdminPasswords.Hash(password);

        Assert.StartsWith("PBKDF2$SHA256$10000$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(password, hash, StringComparison.Ordinal);
        Assert.True(AdminPasswords.Verify(password, hash));
        Assert.False(AdminPasswords.Verify(password + "x", hash));
        Assert.False(AdminPasswords.Verify(password, "garbage"));
    }

    [Fact]
    public void Passwords_and_salts_are_random()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => AdminPasswords.Generate()).ToList();
        Assert.Equal(50, passwords.Distinct().Count());
        Assert.All(passwords, p => Assert.Equal(20, p.Length));
        Assert.NotEqual(AdminPasswords.Hash("same"), AdminPasswords.Hash("same"));
    }
}
