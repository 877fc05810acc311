using System.Net.Http.Json;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Provisioning;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.SharedTierProvisioner;

/// <summary>Path 1 against the real PostgreSQL and nginx.</summary>
[Collection(SharedPoolCollection.Name)]
public sealed class SharedTenantProvisionerTests(SharedPoolFixture fixture)
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Provisioning_builds_schema_role_tables_seed_and_route_with_a_progress_event_per_step()
    {
        var services = fixture.Services();
        var command = SharedPoolFixture.Command("Quick Fix Garage");

        var (outcome, progress) = await SharedPoolFixture.ProvisionAsync(services, command);

        var done = Assert.IsType<SharedProvisioningOutcome.Succeeded>(outcome);
        Assert.Equal($"http://{command.TenantId}.{SharedPoolFixture.BaseDomain}:{TestEnvironment.NginxPort}", done.TenantUrl);
        // Routing runs beside the database branch, whose steps keep their order; each step reports once.
        var steps = progress.Select(p => p.Step).ToList();
        Assert.Equal(SharedTenantSteps.All.Order(), steps.Order());
        Assert.Equal([SharedTenantSteps.CreateSchema, SharedTenantSteps.RunMigrations, SharedTenantSteps.SeedData],
            steps.Where(s => s != SharedTenantSteps.ConfigureRouting));
        Assert.All(progress, p => Assert.Equal(ProvisioningProgress.Completed, p.Outcome));

        var names = new TenantNames(command.TenantId);
        var tables = await fixture.Pool.ScalarAsync<long>(
            "SELECT count(*) FROM pg_tables WHERE schemaname = @s AND tableowner = @r AND tablename <> 'schemaversions'", ("s", names.Schema), ("r", names.Role));
        Assert.Equal(ShopTables.All.Count, tables);
        var admin = await fixture.Pool.ScalarAsync<string>($"SELECT password_hash FROM {names.Schema}.users WHERE username = 'admin'");
        Assert.Equal(command.AdminPasswordHash, admin);
        var tier = await fixture.Pool.ScalarAsync<string>($"SELECT value FROM {names.Schema}.settings WHERE key = 'subscription_tier'");
        Assert.Equal("free", tier);
        Assert.Equal(new PoolInspector.Pieces(true, true, true, true), await PoolInspector.InspectAsync(fixture.Pool, fixture.SecretsDirectory, command.TenantId));
    }

    [Fact]
    public async Task The_route_reaches_the_shared_backend_with_the_tenants_id_even_when_the_client_forges_one()
    {
        var services = fixture.Services();
        var command = SharedPoolFixture.Command("Forgery Test Motors");
        Assert.IsType<SharedProvisioningOutcome.Succeeded>((await SharedPoolFixture.ProvisionAsync(services, command)).Outcome);

        foreach (var path in new[] { "/", "/api/work-orders" })
        {
            using var request = EdgeRequest.Get($"{command.TenantId}.{SharedPoolFixture.BaseDomain}", path);
            request.Headers.Add("X-Tenant-ID", "someone-else-abc123");
            using var response = await Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();
            Assert.Equal([command.TenantId], echo!.TenantIds);
            Assert.Equal(path, echo.Path);
        }

        // An unknown host gets nothing from the edge, not somebody's tenant.
        using var unknown = EdgeRequest.Get($"nobody-zzzzzz.{SharedPoolFixture.BaseDomain}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Http.SendAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task A_tenants_role_reaches_its_own_schema_and_nothing_else()
    {
        var services = fixture.Services();
        var a = SharedPoolFixture.Command("Alpha Auto");
        var b = SharedPoolFixture.Command("Bravo Brakes");
        Assert.IsType<SharedProvisioningOutcome.Succeeded>((await SharedPoolFixture.ProvisionAsync(services, a)).Outcome);
        Assert.IsType<SharedProvisioningOutcome.Succeeded>((await SharedPoolFixture.ProvisionAsync(services, b)).Outcome);
        var namesA = new TenantNames(a.TenantId);
        var namesB = new TenantNames(b.TenantId);
        var passwordA = PoolInspector.Password(fixture.SecretsDirectory, a.TenantId);

        await using var asA = new NpgsqlConnection(TestEnvironment.ConnectionString(fixture.Pool.Name, namesA.Role, passwordA));
        await asA.OpenAsync();

        // Its own schema works, through its default search_path.
        await Exec(asA, "INSERT INTO customers (full_name) VALUES ('Own customer')");
        Assert.Equal(1L, await Scalar(asA, "SELECT count(*) FROM customers"));

        // Another tenant's schema: no reading, no writing, no creating.
        await AssertDenied(asA, $"SELECT * FROM {namesB.Schema}.users");
        await AssertDenied(asA, $"INSERT INTO {namesB.Schema}.customers (full_name) VALUES ('intruder')");
        await AssertDenied(asA, $"CREATE TABLE {namesB.Schema}.planted (x int)");
        // Nothing outside its own schema: not public, not temp space, not a new schema.
        await AssertDenied(asA, "CREATE TABLE public.planted (x int)");
        await AssertDenied(asA, "CREATE TEMP TABLE planted (x int)");
        await AssertDenied(asA, "CREATE SCHEMA planted");
        await AssertDenied(asA, $"SET ROLE {namesB.Role}");

        // Nor another database on the server: the registry is closed to tenant roles.
        await using var registry = new NpgsqlConnection(TestEnvironment.ConnectionString("mechanicbuddy_registry", namesA.Role, passwordA));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => registry.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Theory]
    [InlineData(SharedTenantSteps.CreateSchema)]
    [InlineData(SharedTenantSteps.RunMigrations)]
    [InlineData(SharedTenantSteps.SeedData)]
    [InlineData(SharedTenantSteps.ConfigureRouting)]
    public async Task A_failure_after_any_step_leaves_no_schema_role_route_or_secret(string step)
    {
        var services = fixture.Services(failAfterStep: step);
        var command = SharedPoolFixture.Command("Failing Fixers");

        var (outcome, progress) = await SharedPoolFixture.ProvisionAsync(services, command);

        var failed = Assert.IsType<SharedProvisioningOutcome.Failed>(outcome);
        Assert.Equal(step, failed.Step);
        Assert.Contains($"fault injected after step {step}", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.Compensated, string.Join("; ", progress.Where(p => p.Step == "Compensate").Select(p => p.Message)));
        Assert.Contains(progress, p => p.Step == step && p.Outcome == ProvisioningProgress.Failed);
        Assert.Contains(progress, p => p.Step == "Compensate" && p.Outcome == ProvisioningProgress.Compensated);
        Assert.False((await PoolInspector.InspectAsync(fixture.Pool, fixture.SecretsDirectory, command.TenantId)).Any);
    }

    [Theory]
    [InlineData(SharedTenantSteps.RunMigrations)]
    [InlineData(SharedTenantSteps.ConfigureRouting)]
    public async Task A_step_that_hangs_fails_at_its_time_limit_and_everything_is_removed(string step)
    {
        var services = fixture.Services(hangAtStep: step, stepTimeoutSeconds: 1);
        var command = SharedPoolFixture.Command("Hanging Hubcaps");

        var (outcome, progress) = await SharedPoolFixture.ProvisionAsync(services, command);

        var failed = Assert.IsType<SharedProvisioningOutcome.Failed>(outcome);
        Assert.Equal(step, failed.Step);
        Assert.Equal($"step {step} did not finish within 1 s", failed.Reason);
        Assert.True(failed.Compensated);
        Assert.Contains(progress, p => p.Step == "Compensate" && p.Outcome == ProvisioningProgress.Compensated);
        Assert.False((await PoolInspector.InspectAsync(fixture.Pool, fixture.SecretsDirectory, command.TenantId)).Any);
    }

    [Fact]
    public async Task A_real_database_error_is_reported_with_its_sql_state_and_cleaned_up()
    {
        var services = fixture.Services();
        var command = SharedPoolFixture.Command("Clashing Clutches");
        var names = new TenantNames(command.TenantId);
        // Someone else already owns a schema of that name: the role cannot create its own there.
        await using (var connection = new NpgsqlConnection(fixture.Pool.ConnectionString))
        {
            await connection.OpenAsync();
            await Exec(connection, $"CREATE SCHEMA {names.Schema}; CREATE TABLE {names.Schema}.users (id int)");
        }

        var (outcome, _) = await SharedPoolFixture.ProvisionAsync(services, command);

        var failed = Assert.IsType<SharedProvisioningOutcome.Failed>(outcome);
        Assert.Equal(SharedTenantSteps.RunMigrations, failed.Step);
        Assert.Contains("PostgreSQL 42", failed.Reason, StringComparison.Ordinal);
        Assert.False((await PoolInspector.InspectAsync(fixture.Pool, fixture.SecretsDirectory, command.TenantId)).Any);
    }

    [Fact]
    public async Task Provisioning_the_same_command_twice_is_harmless_and_keeps_data()
    {
        var services = fixture.Services();
        var command = SharedPoolFixture.Command("Twice Tyres");
        Assert.IsType<SharedProvisioningOutcome.Succeeded>((await SharedPoolFixture.ProvisionAsync(services, command)).Outcome);
        var names = new TenantNames(command.TenantId);
        await using (var connection = new NpgsqlConnection(TestEnvironment.ConnectionString(fixture.Pool.Name, names.Role, PoolInspector.Password(fixture.SecretsDirectory, command.TenantId))))
        {
            await connection.OpenAsync();
            await Exec(connection, "INSERT INTO customers (full_name) VALUES ('Kept')");
        }

        var (again, _) = await SharedPoolFixture.ProvisionAsync(services, command);

        Assert.IsType<SharedProvisioningOutcome.Succeeded>(again);
        Assert.Equal(1L, await fixture.Pool.ScalarAsync<long>($"SELECT count(*) FROM {names.Schema}.users"));
        Assert.Equal("Kept", await fixture.Pool.ScalarAsync<string>($"SELECT full_name FROM {names.Schema}.customers"));
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE users;--")]
    [InlineData("\"; DROP SCHEMA public CASCADE; --")]
    [InlineData("Garage Müller & Söhne ñ 日本 🚗")]
    public async Task Hostile_company_names_are_stored_as_data_never_run_as_sql(string companyName)
    {
        var services = fixture.Services();
        var command = SharedPoolFixture.Command(companyName);
        Assert.True(TenantIds.IsValid(command.TenantId));

        Assert.IsType<SharedProvisioningOutcome.Succeeded>((await SharedPoolFixture.ProvisionAsync(services, command)).Outcome);

        var names = new TenantNames(command.TenantId);
        Assert.Equal(companyName, await fixture.Pool.ScalarAsync<string>($"SELECT value FROM {names.Schema}.settings WHERE key = 'company_name'"));
        Assert.Equal(1L, await fixture.Pool.ScalarAsync<long>($"SELECT count(*) FROM {names.Schema}.users"));
        Assert.True(await fixture.Pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')"));
    }

    [Fact]
    public async Task Removing_a_tenant_leaves_nothing_behind_and_can_be_repeated()
    {
        var services = fixture.Services();
        var command = SharedPoolFixture.Command("Gone Garage");
        Assert.IsType<SharedProvisioningOutcome.Succeeded>((await SharedPoolFixture.ProvisionAsync(services, command)).Outcome);
        var provisioner = services.GetRequiredService<SharedTenantProvisioner>();
        var names = new TenantNames(command.TenantId);

        Assert.True(await provisioner.RemoveAsync("default", names, keepRoute: false, CancellationToken.None));
        Assert.True(await provisioner.RemoveAsync("default", names, keepRoute: false, CancellationToken.None));

        Assert.False((await PoolInspector.InspectAsync(fixture.Pool, fixture.SecretsDirectory, command.TenantId)).Any);
        using var request = EdgeRequest.Get($"{command.TenantId}.{SharedPoolFixture.BaseDomain}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_signups_in_one_pool_all_succeed()
    {
        var services = fixture.Services();
        var commands = Enumerable.Range(0, 12).Select(i => SharedPoolFixture.Command($"Parallel Parts {i}")).ToList();

        var outcomes = await Task.WhenAll(commands.Select(c => SharedPoolFixture.ProvisionAsync(services, c)));

        Assert.All(outcomes, o => Assert.IsType<SharedProvisioningOutcome.Succeeded>(o.Outcome));
        foreach (var command in commands)
        {
            Assert.Equal(new PoolInspector.Pieces(true, true, true, true), await PoolInspector.InspectAsync(fixture.Pool, fixture.SecretsDirectory, command.TenantId));
        }
    }

    static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    static async Task AssertDenied(NpgsqlConnection connection, string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => Exec(connection, sql));
        Assert.True(error.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: expected permission denied, got {error.SqlState} {error.MessageText}");
    }
}
