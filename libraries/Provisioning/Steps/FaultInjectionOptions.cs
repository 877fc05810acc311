namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Section <c>FaultInjection</c>, for tests and game days only: fail right after, or hang at, the named step so its
/// compensation can be watched. Off unless set; the service logs a warning at start when it is on.
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string Section = "FaultInjection";

    public string? FailAfterStep { get; set; }

    /// <summary>Make the named step hang until its time limit (Steps:TimeoutSeconds), to watch a timeout end in compensation.</summary>
    public string? HangAtStep { get; set; }

    /// <summary>
    /// Steps after which the process kills itself with SIGKILL ("*" for every step), each once: the first process to get
    /// past a step creates its marker in <see cref="CrashMarkerDirectory"/> and dies; the restarted one carries on.
    /// </summary>
    public string? CrashAfterSteps { get; set; }

    public string? CrashMarkerDirectory { get; set; }

    public void CrashIfDue(string step)
    {
        if (string.IsNullOrEmpty(CrashAfterSteps) || string.IsNullOrEmpty(CrashMarkerDirectory)
            || (CrashAfterSteps != "*" && !CrashAfterSteps.Split(',', StringSplitOptions.TrimEntries).Contains(step)))
        {
            return;
        }
        Directory.CreateDirectory(CrashMarkerDirectory);
        try
        {
            // One marker per service and step: each worker crashes after each of its own steps.
            using (new FileStream(Path.Combine(CrashMarkerDirectory, $"{AppDomain.CurrentDomain.FriendlyName}.{step}"), FileMode.CreateNew))
            {
            }
        }
        catch (IOException)
        {
            return;
        }
        Routing.Nginx.UnixSignals.KillSelf();
    }

    public Task BeforeStepAsync(string step, CancellationToken cancellationToken) =>
        string.Equals(HangAtStep, step, StringComparison.Ordinal) ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.CompletedTask;

    public void AfterStep(string step)
    {
        if (string.Equals(FailAfterStep, step, StringComparison.Ordinal))
        {
            throw new InjectedFaultException(step);
        }
    }
}

public sealed class InjectedFaultException(string step) : Exception($"fault injected after step {step}");
