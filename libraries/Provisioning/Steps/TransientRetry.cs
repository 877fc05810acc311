using System.Net.Sockets;
using Npgsql;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Retries what deserves another try. Two kinds: a lost race (serialization conflict, deadlock, a concurrent CREATE)
/// is settled on the next attempt, so it gets three; an outage (the database restarting, a refused or dropped
/// connection) lasts seconds, so it is retried with backoff for up to <see cref="OutageWindow"/>. A real error is not
/// retried at all.
/// </summary>
public static class TransientRetry
{
    /// <summary>Long enough to ride out a PostgreSQL or edge restart; shorter than a step's time limit.</summary>
    public static readonly TimeSpan OutageWindow = TimeSpan.FromSeconds(45);
    const int RaceAttempts = 3;
    static readonly TimeSpan MaxOutageDelay = TimeSpan.FromSeconds(2);

    public static Task RunAsync(Func<Task> action, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await action();
            return true;
        }, cancellationToken);

    public static async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var outageSince = (DateTime?)null;
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (IsOutage(ex) && DateTime.UtcNow - (outageSince ??= DateTime.UtcNow) < OutageWindow)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxOutageDelay.Ticks));
            }
            catch (Exception ex) when (attempt < RaceAttempts && IsLostRace(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt * attempt), cancellationToken);
            }
        }
    }

    /// <summary>The server or the connection to it is away: shutting down, starting up, refused, reset, timed out.</summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql when npgsql.IsTransient => true,
        SocketException or TimeoutException => true,
        HttpRequestException http when http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded => true,
        _ => ex.InnerException is not null && IsOutage(ex.InnerException),
    };

    static bool IsLostRace(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState is PostgresErrorCodes.UniqueViolation or "XX000",
        HttpRequestException => true,
        _ => ex.InnerException is not null && IsLostRace(ex.InnerException),
    };
}
