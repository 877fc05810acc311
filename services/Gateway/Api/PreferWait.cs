using MechanicBuddy.Gateway.Waiting;
using System.Globalization;

namespace MechanicBuddy.Gateway.Api;

/// <summary>RFC 7240 <c>Prefer: wait=N</c>: the caller would rather wait up to N seconds for the final answer than poll.</summary>
public static class PreferWait
{
    public const int MaxSeconds = 120;

    public static TimeSpan? From(HttpRequest request)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var preference in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = preference.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && parts[0].Equals("wait", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(parts[1].Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    return TimeSpan.FromSeconds(Math.Min(seconds, MaxSeconds));
                }
            }
        }
        return null;
    }

    public static void Applied(HttpResponse response, TimeSpan wait) =>
        response.Headers["Preference-Applied"] = $"wait={(int)wait.TotalSeconds}";

    /// <summary>
    /// Sends the tenant's command and, when the caller asked for it, waits (up to N seconds) for the tenant's next
    /// lifecycle event. The waiter is registered before the send, so an instant completion is not missed.
    /// </summary>
    public static async Task SendAndWaitAsync(HttpContext http, Waiting.TenantCompletionNotifier notifier, string tenantId, Func<Task> send,
        CancellationToken cancellationToken)
    {
        var wait = From(http.Request);
        using var waiter = wait is null ? null : notifier.TryRegister(tenantId);
        await send();
        if (waiter is not null)
        {
            Applied(http.Response, wait!.Value);
            await waiter.WaitAsync(wait.Value, cancellationToken);
        }
    }
}
