namespace MechanicBuddy.Tenancy;

/// <summary>What makes two signups the same shop: company name and owner email, compared without case or extra spaces.</summary>
public static class ShopKeys
{
    public static string Company(string companyName) =>
        string.Join(' ', companyName.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    public static string Email(string email) => email.Trim().ToLowerInvariant();
}
