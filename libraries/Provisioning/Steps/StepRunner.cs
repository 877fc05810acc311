using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>
/// Runs a worker's steps one at a time: transient errors are retried (<see cref="TransientRetry"/>), success is reported as progress, and anything
/// else surfaces as a <see cref="StepFailedException"/> naming the step, so the worker can compensate and say why.
/// </summary>
public sealed class StepRunner(IOptions<FaultInjectionOptions> faults, CrashPoints crashPoints, IOptions<StepOptions> stepOptions, TimeProvider clock)
{
    public TimeProvider Clock => clock;

    public Task RunAsync(string step, string message, Func<ProvisioningProgress, Task> onProgress, Func<CancellationToken, Task> action,
        CancellationToken cancellationToken) =>
        RunAsync(step, () => message, onProgress, action, cancellationToken);

    /// <summary>
    /// Runs one step within <see cref="StepOptions.TimeoutSeconds"/>: the action gets a token that is cancelled at the
    /// limit, and a step that does not finish in time fails with a <see cref="StepTimeoutException"/> (then compensation).
    /// </summary>
    public async Task RunAsync(string step, Func<string> message, Func<ProvisioningProgress, Task> onProgress, Func<CancellationToken, Task> action,
        CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromSeconds(stepOptions.Value.TimeoutSeconds);
        using var timeout = new CancellationTokenSource(limit, clock);
        using var stepToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await faults.Value.BeforeStepAsync(step, stepToken.Token);
            await TransientRetry.RunAsync(() => action(stepToken.Token), stepToken.Token);
            await onProgress(new ProvisioningProgress(step, ProvisioningProgress.Completed, message(), clock.GetUtcNow()));
            crashPoints.Reached(step);
            faults.Value.AfterStep(step);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StepFailedException(step, new StepTimeoutException($"step {step} did not finish within {limit.TotalSeconds:0} s"));
        }
        catch (Exception ex) when (ex is not StepFailedException)
        {
            throw new StepFailedException(step, ex);
        }
    }

    /// <summary>
    /// After a failed step: runs the worker's removal and reports it as the "Compensate" step. True only when the removal
    /// verified that nothing is left; a removal that throws is reported with its reason, not rethrown.
    /// </summary>
    public async Task<bool> CompensateAsync(Func<Task<bool>> remove, string removedMessage, Func<ProvisioningProgress, Task> onProgress, ILogger logger,
        string tenantId)
    {
        try
        {
            var removed = await remove();
            await onProgress(Progress("Compensate", removed ? ProvisioningProgress.Compensated : ProvisioningProgress.Failed,
                removed ? removedMessage : "some pieces could not be verified as removed"));
            return removed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Compensation for {TenantId} failed", tenantId);
            await onProgress(Progress("Compensate", ProvisioningProgress.Failed, Describe(ex)));
            return false;
        }
    }

    public ProvisioningProgress Progress(string step, string outcome, string message) => new(step, outcome, message, clock.GetUtcNow());

    /// <summary>The real reason, as an operator needs it: SQL state and server message for PostgreSQL errors.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        StepFailedException step when step.InnerException is not null => Describe(step.InnerException),
        PostgresException pg => $"PostgreSQL {pg.SqlState}: {pg.MessageText}",
        ShopMigrationException migration when migration.InnerException is PostgresException pg => $"migration {migration.Script} failed: PostgreSQL {pg.SqlState}: {pg.MessageText}",
        _ => ex.Message,
    };
}

/// <summary>A step ran past its limit; not transient, so it is not retried.</summary>
public sealed class StepTimeoutException(string message) : Exception(message);

public sealed class StepFailedException(string step, Exception inner) : Exception($"{step} failed: {inner.Message}", inner)
{
    public string Step { get; } = step;

    /// <summary>True when the step stopped only because the worker is shutting down (the message will be redelivered).</summary>
    public bool IsCancellation(CancellationToken cancellationToken) => InnerException is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
