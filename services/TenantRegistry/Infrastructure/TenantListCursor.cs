using System.Globalization;
using System.Text;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>
/// Where a page of the tenant list ended: the last tenant's signup time and id (the list's order), opaque to callers.
/// The next page starts strictly after it, so tenants signing up meanwhile neither repeat nor shift the pages.
/// </summary>
public sealed record TenantListCursor(DateTimeOffset RequestedAt, string TenantId)
{
    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        $"{RequestedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{TenantId}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TenantListCursor? TryDecode(string value)
    {
        try
        {
            var base64 = value.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
            var parts = text.Split('|', 2);
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is > 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks && Tenancy.TenantIds.IsValid(parts[1])
                ? new TenantListCursor(new DateTimeOffset(ticks, TimeSpan.Zero), parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
