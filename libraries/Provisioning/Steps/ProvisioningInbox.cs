using System.Text.Json;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>Section <c>Inbox</c>: where a worker keeps its per-tenant locks and the outcomes of the provisionings it ran.</summary>
public sealed class InboxOptions
{
    public const string Section = "Inbox";

    public string Directory { get; set; } = "var/inbox";

    /// <summary>How long recorded outcomes are kept; a copy of a command redelivered later than this would run again.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 8760)]
    public int RetentionHours { get; set; } = 168;
}

/// <summary>
/// A worker's inbox, so that a command delivered twice (a redelivery after a crash, a duplicate) is carried out once:
/// one tenant's commands run one at a time (an exclusive lock file, held across processes), and the outcome of each
/// provisioning attempt is recorded; a copy arriving later gets the recorded outcome instead of running again.
/// Without it, a second copy running beside the first could fail on the first one's work and compensate it away.
/// </summary>
public sealed class ProvisioningInbox(IOptions<InboxOptions> options)
{
    string Root => Path.GetFullPath(options.Value.Directory);

    /// <summary>Waits until no other command of this tenant runs (in this or another process), then holds the tenant until disposed.</summary>
    public async Task<IDisposable> EnterAsync(string tenantId, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryEnter(tenantId) is { } held)
            {
                return held;
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Holds the tenant if no command of it runs now; null if one does (a reader that must not wait, nor run beside it).</summary>
    public IDisposable? TryEnter(string tenantId)
    {
        Directory.CreateDirectory(Root);
        try
        {
            return new FileStream(Path.Combine(Root, $"{TenantIds.Require(tenantId)}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs a provisioning attempt once for the tenant: under the tenant's lock, a recorded outcome is published again
    /// instead of running; otherwise <paramref name="run"/> runs and its outcome is recorded before it is published.
    /// </summary>
    public async Task RunOnceAsync(MassTransit.ConsumeContext context, string tenantId, string attempt, Func<Task<RecordedEvent>> run)
    {
        using (await EnterAsync(tenantId, context.CancellationToken))
        {
            var outcome = await RecordedAsync<RecordedEvent>(tenantId, attempt, context.CancellationToken);
            if (outcome is null)
            {
                outcome = await run();
                await RecordAsync(tenantId, attempt, outcome, context.CancellationToken);
            }
            var (message, type) = outcome.Restore();
            await context.PublishBoundedAsync(message, type, context.CancellationToken);
        }
    }

    /// <summary>The outcome key of a provisioning: a signup's attempts, kept apart from the builds of each tier change's target.</summary>
    public static string AttemptKey(string kind, int tierChange, int attempt) =>
        tierChange == 0 ? $"{kind}-{attempt}" : $"{kind}-tier{tierChange}-{attempt}";

    public async Task<T?> RecordedAsync<T>(string tenantId, string attempt, CancellationToken cancellationToken) where T : class
    {
        var path = OutcomePath(tenantId, attempt);
        return File.Exists(path) ? JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(path, cancellationToken)) : null;
    }

    public async Task RecordAsync<T>(string tenantId, string attempt, T outcome, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var path = OutcomePath(tenantId, attempt);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(outcome), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Deletes recorded outcomes older than the retention; returns how many. The per-tenant lock files stay (empty, one
    /// per tenant): deleting one another process may be about to lock would let two processes hold "the" lock.
    /// </summary>
    public int Prune(DateTime now)
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }
        var cutoff = now - TimeSpan.FromHours(options.Value.RetentionHours);
        var pruned = 0;
        foreach (var file in Directory.EnumerateFiles(Root, "*.outcome.json"))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
                pruned++;
            }
        }
        return pruned;
    }

    string OutcomePath(string tenantId, string attempt) =>
        Path.Combine(Root, $"{TenantIds.Require(tenantId)}.{string.Concat(attempt.Where(char.IsAsciiLetterOrDigit))}.outcome.json");
}
