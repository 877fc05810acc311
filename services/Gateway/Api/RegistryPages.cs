using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using Refit;

namespace MechanicBuddy.Gateway.Api;

/// <summary>A page the registry answered, handed on: its rows, its next cursor as X-Next-Cursor, or its own 400 problem.</summary>
public static class RegistryPages
{
    public static IResult Forward<T>(IApiResponse<List<T>> response, HttpResponse http)
    {
        if (response.IsSuccessful)
        {
            if (response.NextCursor() is { } next)
            {
                http.Headers[TenantListQuery.NextCursorHeader] = next;
            }
            return TypedResults.Ok(response.Content);
        }
        // The registry validates paging and filters; its problem goes back unchanged.
        return response.StatusCode == System.Net.HttpStatusCode.BadRequest
            ? Results.Content((response.Error as ApiException)?.Content ?? "", "application/problem+json", statusCode: 400)
            : Problems.RegistryUnavailable($"The tenant registry answered {(int?)response.StatusCode}.");
    }
}
