namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Section <c>FaultInjection</c>, for tests and game days only: fail right after, or hang at, the named step so its
/// compensation can be watched. Off unless set; the service logs a warning at start when it is on. Crashes after a
/// step are <see cref="MechanicBuddy.ServiceDefaults.FaultInjection.CrashPoints"/> (same section).
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string Section = "FaultInjection";

    public string? FailAfterStep { get; set; }

    /// <summary>Make the named step hang until its time limit (Steps:TimeoutSeconds), to watch a timeout end in compensation.</summary>
    public string? HangAtStep { get; set; }

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
