using MechanicBuddy.Provisioning.Steps;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.UnitTests.Provisioning;

public sealed class ProvisioningInboxTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "mb-inbox-" + Guid.NewGuid().ToString("N"));

    ProvisioningInbox Inbox() => new(Options.Create(new InboxOptions { Directory = _directory, RetentionHours = 24 }));

    [Fact]
    public async Task An_outcome_is_recorded_per_attempt_and_read_back()
    {
        var inbox = Inbox();
        await inbox.RecordAsync("acme-garage-abc123", "1", new Outcome("Active"), CancellationToken.None);

        Assert.Equal(new Outcome("Active"), await inbox.RecordedAsync<Outcome>("acme-garage-abc123", "1", CancellationToken.None));
        Assert.Null(await inbox.RecordedAsync<Outcome>("acme-garage-abc123", "2", CancellationToken.None));
    }

    [Fact]
    public async Task Pruning_removes_only_outcomes_older_than_the_retention()
    {
        var inbox = Inbox();
        await inbox.RecordAsync("old-garage-abc123", "1", new Outcome("Failed"), CancellationToken.None);
        await inbox.RecordAsync("new-garage-abc123", "1", new Outcome("Active"), CancellationToken.None);
        using (await inbox.EnterAsync("old-garage-abc123", CancellationToken.None))
        {
        }
        var now = DateTime.UtcNow;
        foreach (var old in Directory.GetFiles(_directory, "old-garage-abc123*"))
        {
            File.SetLastWriteTimeUtc(old, now.AddHours(-25));
        }

        Assert.Equal(1, inbox.Prune(now));

        Assert.Null(await inbox.RecordedAsync<Outcome>("old-garage-abc123", "1", CancellationToken.None));
        Assert.NotNull(await inbox.RecordedAsync<Outcome>("new-garage-abc123", "1", CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(_directory, "old-garage-abc123.lock")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public sealed record Outcome(string Status);
}
