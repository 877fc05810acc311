using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace MechanicBuddy.Gateway.Security;

/// <summary>Mints operator tokens locally (the Gateway's "mint-token" command and the tests); production tokens come from the identity provider.</summary>
public static class OperatorTokens
{
    public static string Mint(AuthOptions options, string subject, IEnumerable<string> roles, TimeSpan lifetime) =>
        Mint(options, subject, roles, DateTime.UtcNow.AddSeconds(-5), DateTime.UtcNow.Add(lifetime));

    public static string Mint(AuthOptions options, string subject, IEnumerable<string> roles, DateTime notBefore, DateTime expires)
    {
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey)), SecurityAlgorithms.HmacSha256);
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, subject) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var token = new JwtSecurityToken(options.Issuer, options.Audience, claims, notBefore, expires, credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
