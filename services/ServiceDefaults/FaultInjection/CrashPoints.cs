using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace MechanicBuddy.ServiceDefaults.FaultInjection;

/// <summary>
/// Fault injection for tests and game days: named points in a service where it kills itself with SIGKILL, so no
/// shutdown code runs, as in a real crash. <c>FaultInjection:CrashAfterSteps</c> lists the points ("*" = all);
/// each crashes once per service: the first process to reach it creates its marker in
/// <c>FaultInjection:CrashMarkerDirectory</c> and dies, the restarted one carries on. Off unless both are set.
/// Points: a worker's steps (after the step), the registry's "Committed.{message}[.{queue}]" (saga state and outbox row
/// committed, message not yet sent), the Gateway's "Signup.Accepted" (tenant admitted, answer not yet written).
/// </summary>
public sealed class CrashPoints(IConfiguration configuration)
{
    public const string Section = "FaultInjection";

    /// <summary>The configured points ("*" = all), or null when crashing is off.</summary>
    public string? Points => configuration[$"{Section}:CrashAfterSteps"] is { Length: > 0 } points ? points : null;

    /// <summary><c>FaultInjection:DeliverTwice</c>: every command the registry sends arrives twice, as a redelivery would bring it.</summary>
    public static bool DeliverTwice(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:DeliverTwice");

    public void Reached(string point)
    {
        var points = Points;
        var markers = configuration[$"{Section}:CrashMarkerDirectory"];
        if (points is null || string.IsNullOrEmpty(markers)
            || (points != "*" && !points.Split(',', StringSplitOptions.TrimEntries).Contains(point)))
        {
            return;
        }
        Directory.CreateDirectory(markers);
        try
        {
            using (new FileStream(Path.Combine(markers, $"{AppDomain.CurrentDomain.FriendlyName}.{point}"), FileMode.CreateNew))
            {
            }
        }
        catch (IOException)
        {
            return;
        }
        // Process.Kill is SIGKILL on Unix.
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}
