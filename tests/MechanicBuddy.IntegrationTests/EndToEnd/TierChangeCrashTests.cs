using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;
using Xunit.Abstractions;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// Tier changes while services die: the dedicated worker is killed after each data phase before it reports (each
/// once), the registry between committing a phase and sending its command, both once more at a random moment, and the
/// registry delivers everything twice; one upgrade cannot get its read-only window and must roll back through the same
/// crashes. Every tenant ends either fully on its new side or fully on its old one, never
/// both or neither: its data identical on the side that serves it, the other side gone, the route on the right side,
/// and (rolled back) writable again.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class TierChangeCrashTests(ChaosControlPlaneFixture plane, ITestOutputHelper output)
{
    const int Upgrades = 5;
    const int Downgrades = 2;

    readonly PatientClient _client = new(plane);
    readonly TenantSides _sides = new(plane);

    sealed record Change(string TenantId, string OldTier, string NewTier, IReadOnlyList<TableFingerprint> Before);

    async Task<string> ActiveTenantAsync(string company, string tier)
    {
        var id = (await _client.SignUpUntilAcceptedAsync(new { companyName = company, subscriptionTier = tier, ownerEmail = $"owner@{company.Replace(' ', '-').ToLowerInvariant()}.example" })).TenantId;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var tenant = await _client.GetWhenUpAsync<TenantDto>($"/api/tenants/{id}");
            if (tenant.Status == TenantStatuses.Active)
            {
                return id;
            }
            Assert.True(tenant.Status != TenantStatuses.Failed && DateTime.UtcNow < deadline, $"{id} did not become Active: {tenant.Status} {tenant.FailureReason}");
            await Task.Delay(250);
        }
    }

    /// <summary>A tenant with data in every table, on its current side.</summary>
    async Task<Change> PreparedAsync(string company, string oldTier, string newTier)
    {
        var id = await ActiveTenantAsync(company, oldTier);
        await using var side = oldTier == SubscriptionTiers.Free ? _sides.PoolAsTenant(id) : _sides.InstanceAsTenant(id);
        await TenantSides.ExecuteAsync(side, ShopSampleData.InsertSql(60));
        return new Change(id, oldTier, newTier, await TenantSides.FingerprintAsync(side, id));
    }

    [Fact]
    public async Task Every_tier_change_ends_fully_migrated_or_fully_rolled_back_through_crashes_and_double_delivery()
    {
        var prepared = await Task.WhenAll(
            Enumerable.Range(0, Upgrades).Select(i => PreparedAsync($"Moving Up Motors {i}", SubscriptionTiers.Free, SubscriptionTiers.Professional))
                .Concat(Enumerable.Range(0, Downgrades).Select(i => PreparedAsync($"Scaling Down Service {i}", SubscriptionTiers.Professional, SubscriptionTiers.Free))));

        // One more upgrade whose shop holds a long write transaction: its freeze cannot get the tables and it must roll back.
        var blocked = await PreparedAsync("Blocked Brakes", SubscriptionTiers.Free, SubscriptionTiers.Professional);
        prepared = [.. prepared, blocked];
        await using var blocker = _sides.PoolAsTenant(blocked.TenantId);
        await using var longRunning = await blocker.OpenConnectionAsync();
        var transaction = await longRunning.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("UPDATE customers SET phone = phone WHERE id = (SELECT min(id) FROM customers)", longRunning, transaction))
        {
            await hold.ExecuteNonQueryAsync();
        }
        // Held until the change has given up (its rollback needs no lock the shop holds), or for three minutes at most.
        var release = Task.Run(async () =>
        {
            var until = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < until && (await _client.GetWhenUpAsync<TenantDto>($"/api/tenants/{blocked.TenantId}")).TierChangeError is null)
            {
                await Task.Delay(500);
            }
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
        });

        var random = new Random(ChaosSchedule.Create(plane.Services.Select(s => s.Name).ToList()).Seed);
        var kills = Task.Run(async () =>
        {
            foreach (var service in new[] { "DedicatedProvisioner", "TenantRegistry" })
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 5000)));
                output.WriteLine($"kill -9 {service} mid-migration");
                await plane.KillAsync(service);
            }
        });
        using var throttle = new SemaphoreSlim(4);
        await Task.WhenAll(prepared.Select(async change =>
        {
            await throttle.WaitAsync();
            try
            {
                using var answer = await _client.PostUntilAnsweredAsync($"/api/tenants/{change.TenantId}/tier", new { newTier = change.NewTier });
            }
            finally
            {
                throttle.Release();
            }
        }));
        await kills;
        await release;

        // Wait until every change has ended and every old side has been retired (grace period: seconds here).
        var ids = prepared.Select(c => c.TenantId).ToHashSet();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        List<TenantDto> tenants;
        while (true)
        {
            tenants = (await _client.GetWhenUpAsync<List<TenantDto>>("/api/tenants?limit=500")).Where(t => ids.Contains(t.Id)).ToList();
            var pending = tenants.Where(t => t.Status != TenantStatuses.Active || t.Retiring is not null).ToList();
            if (pending.Count == 0 || DateTime.UtcNow > deadline)
            {
                Assert.True(pending.Count == 0, $"still changing: {string.Join(", ", pending.Select(p => $"{p.Id} {p.Status}{(p.Retiring is null ? "" : " (retiring)")}"))}; {plane.Summary()}");
                break;
            }
            await Task.Delay(500);
        }

        var migrated = 0;
        foreach (var change in prepared)
        {
            var tenant = tenants.Single(t => t.Id == change.TenantId);
            var onNewSide = tenant.SubscriptionTier == change.NewTier;
            Assert.True(onNewSide || tenant.SubscriptionTier == change.OldTier, $"{tenant.Id} is on {tenant.SubscriptionTier}");
            migrated += onNewSide ? 1 : 0;
            if (change == blocked)
            {
                Assert.False(onNewSide, $"{tenant.Id} migrated although its source could not be frozen");
                Assert.StartsWith("TierFreeze:", tenant.TierChangeError, StringComparison.Ordinal);
            }
            var dedicated = tenant.SubscriptionTier == SubscriptionTiers.Professional;
            Assert.Equal(dedicated ? DeploymentModes.Dedicated : DeploymentModes.Shared, tenant.DeploymentMode);
            // Exactly one side exists: the one that serves the tenant.
            Assert.Equal((!dedicated, dedicated), (await _sides.HasPoolSchemaAsync(tenant.Id), _sides.HasInstance(tenant.Id)));
            await using var serving = dedicated ? _sides.InstanceAsTenant(tenant.Id) : _sides.PoolAsTenant(tenant.Id);
            var differences = TenantDataCopy.Differences(change.Before, await TenantSides.FingerprintAsync(serving, tenant.Id));
            Assert.True(differences.Count == 0, $"{tenant.Id} ({(onNewSide ? "migrated" : "rolled back")}): {string.Join("; ", differences)}");
            // Writable (never left frozen), and the edge sends its host to that side with its id.
            await TenantSides.ExecuteAsync(serving, "INSERT INTO customers (full_name) VALUES ('after the chaos')");
            EchoResponse edge;
            try
            {
                edge = await _sides.EdgeAsync(tenant.Id);
            }
            catch (InvalidOperationException ex)
            {
                var log = await _client.GetWhenUpAsync<List<ProvisioningLogEntry>>($"/api/tenants/{tenant.Id}/log");
                throw new InvalidOperationException($"{ex.Message}; log: {string.Join(" | ", log.Select(e => $"{e.Step} {e.Outcome} {e.Message}"))}", ex);
            }
            Assert.Equal((dedicated ? "dedicated" : "shared", tenant.Id), (edge.Backend, edge.TenantIds.Single()));
        }
        var drift = await _client.DriftWhenWorkersUpAsync();
        Assert.True(drift.Clean, "drift: " + string.Join("; ", drift.Missing.Select(f => $"missing {f.Kind} {f.TenantId} {f.Detail}")
            .Concat(drift.Orphaned.Select(f => $"orphan {f.Kind} {f.TenantId} ({f.Status})")).Concat(drift.Unreachable)));

        // The crashes happened mid-migration: after each data phase in the worker, and in the registry between a phase's commit and its command.
        var markers = Directory.GetFiles(plane.CrashMarkers).Select(Path.GetFileName).ToHashSet();
        string[] workerPoints =
        [
            "MechanicBuddy.DedicatedProvisioner.MoveData.freeze", "MechanicBuddy.DedicatedProvisioner.MoveData.copy",
            "MechanicBuddy.DedicatedProvisioner.MoveData.verify", "MechanicBuddy.DedicatedProvisioner.MoveData.unfreeze",
        ];
        var missing = workerPoints.Where(p => !markers.Contains(p)).ToList();
        Assert.True(missing.Count == 0, $"crash points not hit: {string.Join(", ", missing)}; hit: {string.Join(", ", markers.Order())}");
        // The registry died between committing and sending at least one of a tier change's own commands.
        // (A crash point is named after the first message of the transaction: a phase's progress event, then its command.)
        string[] tierCommands = ["TenantTierChangeProgressed", "MoveTenantData", "SetTenantAccess", "RemoveTenantSide", "TenantTierChanged"];
        Assert.True(tierCommands.Any(c => markers.Any(m => m == $"MechanicBuddy.TenantRegistry.Committed.{c}" || m!.StartsWith($"MechanicBuddy.TenantRegistry.Committed.{c}.", StringComparison.Ordinal))), $"no registry crash mid-migration; hit: {string.Join(", ", markers.Order())}");
        var summary = $"{DateTimeOffset.UtcNow:u} tier changes ({Upgrades + 1} up, one of them blocked, {Downgrades} down): {migrated} migrated, {prepared.Length - migrated} rolled back; " +
            $"crash points {string.Join(", ", markers.Where(m => m!.Contains("MoveData", StringComparison.Ordinal) || tierCommands.Any(c => m.Contains("Committed." + c, StringComparison.Ordinal))))}; " +
            $"{plane.Summary()}; drift clean";
        output.WriteLine(summary);
        await File.AppendAllTextAsync(Path.Combine(TestEnvironment.VarDirectory, "log", "crash-safety.log"), summary + Environment.NewLine);
    }
}
