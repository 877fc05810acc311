using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;

namespace MechanicBuddy.Gateway.Audit;

/// <summary>
/// Writes audit records to the registry, retrying a registry that is briefly away. A record that still cannot be
/// written within about 5 s is logged in full at error level (the action itself has already been answered), so it is not lost silently.
/// </summary>
public sealed class AuditRecorder(ITenantRegistryApi registry, ILogger<AuditRecorder> logger)
{
    static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)];
    /// <summary>Each attempt's bound: a registry that hangs must not hold an answer that is already decided for long.</summary>
    static readonly TimeSpan Attempt = TimeSpan.FromSeconds(2);

    /// <summary>Not cancellable on purpose: the record is written even if the caller went away, since what was done was done.</summary>
    public async Task RecordAsync(AuditRecord record)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var bound = new CancellationTokenSource(Attempt);
                var response = await registry.AppendAuditAsync(record, bound.Token);
                if (response.IsSuccessful)
                {
                    return;
                }
                var status = (int?)response.StatusCode ?? 0;
                if (status is >= 400 and < 500 || attempt >= Backoff.Length)
                {
                    logger.LogError("Audit record not written (registry answered {Status}): {Record}", status, JsonSerializer.Serialize(record));
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                if (attempt >= Backoff.Length)
                {
                    logger.LogError(ex, "Audit record not written (registry unreachable): {Record}", JsonSerializer.Serialize(record));
                    return;
                }
            }
            await Task.Delay(Backoff[attempt]);
        }
    }
}
