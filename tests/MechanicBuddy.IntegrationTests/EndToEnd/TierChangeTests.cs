using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// Tier changes through the Gateway on the real servers: a free tenant holding data in every table becomes
/// professional on its own PostgreSQL instance and comes back, every row proven identical each way, its host routed to
/// the new side; the old side stays read-only for the grace period and is removed after it. A change that cannot get
/// its read-only window rolls back and leaves the tenant as it was.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TierChangeTests(ControlPlaneFixture plane)
{
    readonly TenantSides _sides = new(plane);

    Task<HttpResponseMessage> ChangeTierAsync(string tenantId, object body, int wait = 90) => GatewayCalls.ChangeTierAsync(plane.Client, tenantId, body, wait);

    Task<TenantDto> TenantAsync(string tenantId) => plane.Client.GetFromJsonAsync<TenantDto>($"/api/tenants/{tenantId}", Json)!;

    async Task<TenantDto> OldSideRemovedAsync(string tenantId) =>
        await PollAsync<TenantDto>(plane.Client, $"/api/tenants/{tenantId}", t => t.Retiring is null ? "gone" : "retiring", "retiring", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_free_tenant_with_data_in_every_table_moves_to_its_own_instance_and_back_with_every_row()
    {
        var id = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Growing Gears", subscriptionTier = "free", ownerEmail = "owner@growing.example" }))).TenantId;
        var names = new TenantNames(id);
        await using var pool = _sides.PoolSchema(id);
        await TenantSides.ExecuteAsync(pool, ShopSampleData.InsertSql(400));
        var before = await TenantDataCopy.FingerprintAsync(pool, names.Schema, CancellationToken.None);
        Assert.All(before, table => Assert.True(table.Rows > 0, $"{table.Table} has no rows"));
        Assert.True(before.Sum(t => t.Rows) > 2500);

        // Upgrade.
        var upgrade = await ChangeTierAsync(id, new { newTier = "professional" });

        Assert.Equal(HttpStatusCode.OK, upgrade.StatusCode);
        var upgraded = (await upgrade.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal((TenantStatuses.Active, "professional", DeploymentModes.Dedicated, DedicatedPlatforms.SingleHost, $"tenant-{id}"),
            (upgraded.Status, upgraded.SubscriptionTier, upgraded.DeploymentMode, upgraded.Platform, upgraded.Namespace));
        Assert.Null(upgraded.Pool);
        Assert.Equal((DeploymentModes.Shared, "default"), (upgraded.Retiring!.DeploymentMode, upgraded.Retiring.Pool));
        // Every row is in its own instance, read with its own role; its host now reaches the dedicated upstream with its id.
        await using (var instance = _sides.InstanceAsTenant(id))
        {
            Assert.Empty(TenantDataCopy.Differences(before, await TenantDataCopy.FingerprintAsync(instance, names.Schema, CancellationToken.None)));
            await TenantSides.ExecuteAsync(instance, "INSERT INTO customers (full_name) VALUES ('first customer on professional')");
        }
        var routed = await _sides.EdgeAsync(id);
        Assert.Equal(("dedicated", id), (routed.Backend, routed.TenantIds.Single()));
        // The old side is read-only while it is kept: a write there (an app still on the old connection) is refused, clearly.
        await using (var old = _sides.PoolAsTenant(id))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => TenantSides.ExecuteAsync(old, "INSERT INTO customers (full_name) VALUES ('written to the old side')"));
            Assert.Equal((TenantWriteFreeze.RefusedState, true), (refused.SqlState, refused.MessageText.Contains("read-only while its data moves", StringComparison.Ordinal)));
        }
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{id}/log", Json))!;
        var tierSteps = log.Where(e => e.Step.StartsWith("Tier", StringComparison.Ordinal) && e.Outcome == "completed").Select(e => e.Step).ToList();
        Assert.Equal(["TierTargetReady", "TierFreeze", "TierCopy", "TierVerify", "TierSwitchRoute", "TierChange"], tierSteps);
        // A worker still busy removing the target may miss one inventory call: judge the pieces once both answered.
        var drift = await new PatientClient(plane).DriftWhenWorkersUpAsync(id);
        Assert.True(drift.Clean, string.Join("; ", drift.Missing.Concat(drift.Orphaned).Select(f => $"{f.Kind} {f.Location} {f.Detail}")));

        // After the grace period the old side is gone; the route stays with the new side.
        var settled = await OldSideRemovedAsync(id);
        Assert.Equal("professional", settled.SubscriptionTier);
        Assert.False(await plane.Pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @s)", ("s", names.Schema)));
        Assert.False(await plane.Pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @r)", ("r", names.Role)));
        Assert.False(Directory.Exists(Path.Combine(plane.SecretsDirectory, id)));
        Assert.Equal("dedicated", (await _sides.EdgeAsync(id)).Backend);

        // Downgrade: the shared pool gets everything back, including what was written on professional.
        await using var instanceAdminless = _sides.InstanceAsTenant(id);
        var onProfessional = await TenantDataCopy.FingerprintAsync(instanceAdminless, names.Schema, CancellationToken.None);
        var downgrade = await ChangeTierAsync(id, new { newTier = "free" });

        Assert.Equal(HttpStatusCode.OK, downgrade.StatusCode);
        var downgraded = (await downgrade.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal((TenantStatuses.Active, "free", DeploymentModes.Shared, "default"), (downgraded.Status, downgraded.SubscriptionTier, downgraded.DeploymentMode, downgraded.Pool));
        Assert.Empty(TenantDataCopy.Differences(onProfessional, await TenantDataCopy.FingerprintAsync(pool, names.Schema, CancellationToken.None)));
        Assert.Equal(1L, await plane.Pool.ScalarAsync<long>($"SELECT count(*) FROM {names.Schema}.customers WHERE full_name = 'first customer on professional'"));
        Assert.Equal("shared", (await _sides.EdgeAsync(id)).Backend);
        await using (var tenantOnPool = _sides.PoolAsTenant(id))
        {
            await TenantSides.ExecuteAsync(tenantOnPool, "INSERT INTO customers (full_name) VALUES ('back on free')");
        }
        await OldSideRemovedAsync(id);
        Assert.False(Directory.Exists(TenantInstances.DirectoryOf(plane.TenantInstancesDirectory, id)));
        Assert.False(Directory.Exists(Path.Combine(plane.DedicatedSecretsDirectory, id)));
        Assert.Equal("shared", (await _sides.EdgeAsync(id)).Backend);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{id}");
        delete.Headers.Add("Prefer", "wait=30");
        Assert.Equal(TenantStatuses.Deprovisioned, (await (await plane.Client.SendAsync(delete)).Content.ReadFromJsonAsync<TenantDto>(Json))!.Status);
        Assert.False(EdgeRoutes.Has(id));
    }

    [Fact]
    public async Task A_change_that_cannot_get_its_read_only_window_rolls_back_and_the_tenant_stays_writable()
    {
        var id = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Busy Bearings", subscriptionTier = "free", ownerEmail = "owner@busy.example" }))).TenantId;
        var names = new TenantNames(id);
        await using var pool = _sides.PoolSchema(id);
        await TenantSides.ExecuteAsync(pool, ShopSampleData.InsertSql(20));
        var before = await TenantDataCopy.FingerprintAsync(pool, names.Schema, CancellationToken.None);

        // A long transaction of the shop holds a write lock on its customers: the freeze cannot take its table lock.
        await using var tenant = _sides.PoolAsTenant(id);
        await using var longRunning = await tenant.OpenConnectionAsync();
        await using var transaction = await longRunning.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("UPDATE customers SET phone = phone WHERE id = (SELECT min(id) FROM customers)", longRunning, transaction))
        {
            await hold.ExecuteNonQueryAsync();
        }
        var change = await ChangeTierAsync(id, new { newTier = "professional" });
        await transaction.RollbackAsync();

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        var after = (await change.Content.ReadFromJsonAsync<TenantDto>(Json))!;
        Assert.Equal((TenantStatuses.Active, "free", DeploymentModes.Shared), (after.Status, after.SubscriptionTier, after.DeploymentMode));
        Assert.StartsWith("TierFreeze:", after.TierChangeError, StringComparison.Ordinal);
        Assert.Contains("lock", after.TierChangeError, StringComparison.OrdinalIgnoreCase);
        Assert.Null(after.Retiring);
        // Nothing of the target is left, the route never moved, the data is as it was and takes writes.
        Assert.False(Directory.Exists(TenantInstances.DirectoryOf(plane.TenantInstancesDirectory, id)));
        Assert.False(Directory.Exists(Path.Combine(plane.DedicatedSecretsDirectory, id)));
        Assert.Equal("shared", (await _sides.EdgeAsync(id)).Backend);
        Assert.Empty(TenantDataCopy.Differences(before, await TenantDataCopy.FingerprintAsync(pool, names.Schema, CancellationToken.None)));
        Assert.Equal(0, await TenantWriteFreeze.FrozenTablesAsync(pool, names.Schema, CancellationToken.None));
        await TenantSides.ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('written after the rollback')");
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{id}/log", Json))!;
        Assert.Contains(log, e => e.Step == "TierChange" && e.Outcome == "failed" && e.Message.StartsWith("rolled back", StringComparison.Ordinal));
        // A worker still busy removing the target may miss one inventory call: judge the pieces once both answered.
        var drift = await new PatientClient(plane).DriftWhenWorkersUpAsync(id);
        Assert.True(drift.Clean, string.Join("; ", drift.Missing.Concat(drift.Orphaned).Select(f => $"{f.Kind} {f.Location} {f.Detail}")));
    }

    [Fact]
    public async Task Bad_tier_change_requests_are_refused_clearly_and_change_nothing()
    {
        var id = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Careful Carburettors", subscriptionTier = "free", ownerEmail = "owner@careful.example" }))).TenantId;

        var missing = await ChangeTierAsync(id, new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await ProblemAsync(missing)).GetProperty("errors").TryGetProperty("newTier", out _));
        var unknown = await ChangeTierAsync(id, new { newTier = "platinum" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("platinum", (await ProblemAsync(unknown)).GetProperty("errors").GetProperty("newTier")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await ChangeTierAsync("no-such-shop-aaaaaa", new { newTier = "professional" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChangeTierAsync(id, new { newTier = "free" })).StatusCode);

        using (var suspend = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{id}/suspend"))
        {
            suspend.Headers.Add("Prefer", "wait=30");
            Assert.Equal(HttpStatusCode.OK, (await plane.Client.SendAsync(suspend)).StatusCode);
        }
        var whileSuspended = await ChangeTierAsync(id, new { newTier = "professional" });
        Assert.Equal(HttpStatusCode.Conflict, whileSuspended.StatusCode);
        Assert.Contains("Suspended", (await ProblemAsync(whileSuspended)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var tenant = await TenantAsync(id);
        Assert.Equal(("free", TenantStatuses.Suspended), (tenant.SubscriptionTier, tenant.Status));
        var log = (await plane.Client.GetFromJsonAsync<List<ProvisioningLogEntry>>($"/api/tenants/{id}/log", Json))!;
        Assert.DoesNotContain(log, e => e.Step.StartsWith("Tier", StringComparison.Ordinal));
        Assert.False(Directory.Exists(TenantInstances.DirectoryOf(plane.TenantInstancesDirectory, id)));
    }
}
