using MechanicBuddy.Contracts.Http;
using Refit;

namespace MechanicBuddy.Gateway.Clients;

public static class TenantListPaging
{
    /// <summary>The registry's cursor for the page after this one; null on the last page.</summary>
    public static string? NextCursor(this IApiResponse response) =>
        response.Headers?.TryGetValues(TenantListQuery.NextCursorHeader, out var values) == true ? values.FirstOrDefault() : null;
}
