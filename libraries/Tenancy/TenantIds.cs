using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MechanicBuddy.Tenancy;

/// <summary>
/// Tenant ids ("Quick Fix Garage" → "quick-fix-x7y8z9"): the first words of the company name as a DNS-safe slug
/// plus a random suffix. The id is the root of every other name (schema, role, namespace, Helm release, host), so it
/// obeys the strictest rule among them: Helm's 53-character release names with the "tenant-" prefix leave 46.
/// </summary>
public static partial class TenantIds
{
    public const int MaxLength = 46;
    const int SuffixLength = 6;
    const int MaxSlugLength = MaxLength - SuffixLength - 1;
    const int SlugWords = 2;
    const string SuffixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,44}[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidId();

    public static bool IsValid(string? tenantId) =>
        tenantId is not null && tenantId.Length <= MaxLength && ValidId().IsMatch(tenantId) && !tenantId.Contains("--", StringComparison.Ordinal);

    /// <summary>Throws unless the id is valid: every consumer of a message calls this before touching infrastructure.</summary>
    public static string Require(string? tenantId) =>
        IsValid(tenantId) ? tenantId! : throw new ArgumentException($"'{tenantId}' is not a valid tenant id", nameof(tenantId));

    public static string Generate(string companyName) => $"{Slug(companyName)}-{RandomSuffix()}";

    /// <summary>The id for a signup that must come out the same every time (an Idempotency-Key): the suffix is taken from <paramref name="seed"/>.</summary>
    public static string Derive(string companyName, ReadOnlySpan<byte> seed)
    {
        if (seed.Length < SuffixLength)
        {
            throw new ArgumentException($"at least {SuffixLength} bytes of seed are needed", nameof(seed));
        }
        Span<char> chars = stackalloc char[SuffixLength];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = SuffixAlphabet[seed[i] % SuffixAlphabet.Length];
        }
        return $"{Slug(companyName)}-{new string(chars)}";
    }

    /// <summary>Lower-case ASCII words of the name (accents folded, apostrophes dropped), at most two, joined by '-'.</summary>
    public static string Slug(string companyName)
    {
        var folded = FoldToAscii(companyName).Replace("'", "", StringComparison.Ordinal).Replace("’", "", StringComparison.Ordinal);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in folded)
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        var slug = string.Join('-', words.Take(SlugWords));
        if (slug.Length > MaxSlugLength)
        {
            slug = slug[..MaxSlugLength].TrimEnd('-');
        }
        return slug.Length == 0 ? "shop" : slug;
    }

    static string FoldToAscii(string value)
    {
        var decomposed = value.ToLowerInvariant().Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    static string RandomSuffix()
    {
        Span<char> chars = stackalloc char[SuffixLength];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = SuffixAlphabet[RandomNumberGenerator.GetInt32(SuffixAlphabet.Length)];
        }
        return new string(chars);
    }
}
