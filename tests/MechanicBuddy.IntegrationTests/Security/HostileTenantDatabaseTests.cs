using MechanicBuddy.Contracts;
using MechanicBuddy.DedicatedProvisioner.TierChange;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.SharedTierProvisioner.Infrastructure.Database;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using MechanicBuddy.TenantDatabase.Control;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using static MechanicBuddy.IntegrationTests.Security.HostileTenantDatabase;

namespace MechanicBuddy.IntegrationTests.Security;

/// <summary>
/// A tenant that attacks the control plane from inside its own database, logged in as its own role on real PostgreSQL:
/// code it attaches to its tables, the read-only window, the locks the workers take, the connections it may hold.
/// Each attack worked against the control plane before it was hardened.
/// </summary>
public sealed class HostileTenantDatabaseTests
{
    static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A function the tenant hangs on its tables: counts who ran it (sequences, which a rolled-back read cannot undo) and
    /// tries to hand the tenant a server power.
    /// </summary>
    static string Trap(TenantNames names) =>
        $"""
        CREATE SEQUENCE {names.Schema}.ran_as_tenant;
        CREATE SEQUENCE {names.Schema}.ran_as_someone_else;
        GRANT USAGE ON SEQUENCE {names.Schema}.ran_as_tenant, {names.Schema}.ran_as_someone_else TO PUBLIC;
        CREATE FUNCTION {names.Schema}.steal() RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            IF current_user::text LIKE '{names.Schema}\_%' THEN
                PERFORM nextval('{names.Schema}.ran_as_tenant');
            ELSE
                PERFORM nextval('{names.Schema}.ran_as_someone_else');
            END IF;
            BEGIN EXECUTE 'GRANT pg_execute_server_program TO {names.Role}'; EXCEPTION WHEN others THEN NULL; END;
            BEGIN EXECUTE 'ALTER ROLE {names.Role} SUPERUSER'; EXCEPTION WHEN others THEN NULL; END;
            RETURN true;
        END $$;
        GRANT USAGE ON SCHEMA {names.Schema} TO PUBLIC;
        ALTER TABLE users ENABLE ROW LEVEL SECURITY;
        ALTER TABLE users FORCE ROW LEVEL SECURITY;
        CREATE POLICY everyone ON users USING ({names.Schema}.steal());
        """;

    [Fact]
    public async Task Code_a_tenant_attaches_to_its_tables_runs_only_with_the_tenants_rights_during_a_tier_changes_data_move()
    {
        await using var db = await HostileTenantDatabase.CreateAsync();
        var (names, password) = await db.TenantAsync("Policy Trap Garage");
        await using var tenant = db.Login(names, password);
        await ExecuteAsync(tenant, Trap(names));

        // The move's phases on the source: freeze and unfreeze through the worker's own mover, and between them the
        // read of every row that copy and verify make (the same session and fingerprint they use).
        var mover = new TenantDataMover(null!, db.Options, new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance), Options.Create(new FaultInjectionOptions()));
        var source = new TenantDataLocation { DeploymentMode = DeploymentModes.Shared, Pool = PoolName(0) };
        MoveTenantData Phase(string phase) => new()
        {
            CorrelationId = TenantNames.CorrelationIdFor(names.TenantId), TenantId = names.TenantId, TierChange = 1, Phase = phase, Source = source,
        };
        await mover.RunAsync(Phase(TenantDataPhases.Freeze), CancellationToken.None);
        await using (var admin = ControlPlaneConnection.DataSource(db.Pool().ConnectionString))
        await using (var rows = await TenantSession.AsMoverAsync(admin, db.Pool().ConnectionString, names, CancellationToken.None))
        {
            var fingerprint = await TenantDataCopy.FingerprintAsync(rows.DataSource, names.Schema, CancellationToken.None);
            Assert.True(fingerprint.Single(t => t.Table == "users").Rows > 0);
        }
        await mover.RunAsync(Phase(TenantDataPhases.Unfreeze), CancellationToken.None);

        // The policy ran (the move read the users table through it), but only as the tenant's own logins.
        Assert.True(await db.Pool().ScalarAsync<bool>($"SELECT is_called FROM {names.Schema}.ran_as_tenant"), "the move read no row through the tenant's policy");
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT is_called FROM {names.Schema}.ran_as_someone_else"), "the tenant's policy ran as someone else");
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT pg_has_role('{names.Role}', 'pg_execute_server_program', 'MEMBER')"));
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT rolsuper FROM pg_roles WHERE rolname = '{names.Role}'"));
        var program = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, "COPY (SELECT 1) TO PROGRAM 'id'"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, program.SqlState);
        // The mover login is gone once the phase is over, and the tenant is writable again.
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{names.MoverRole}')"));
        await ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('after the move')");
    }

    [Fact]
    public async Task The_tenant_cannot_lift_its_read_only_window_and_its_refused_writes_are_errors_not_losses()
    {
        await using var db = await HostileTenantDatabase.CreateAsync();
        var (names, password) = await db.TenantAsync("Window Breaker Garage");
        await using var tenant = db.Login(names, password);
        await using var admin = ControlPlaneConnection.DataSource(db.Pool().ConnectionString);
        var before = await db.Pool().ScalarAsync<long>($"SELECT count(*) FROM {names.Schema}.customers");

        await TenantWriteFreeze.FreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);

        foreach (var attack in new[]
        {
            $"DROP FUNCTION {ControlSchema.Name}.{TenantWriteFreeze.FunctionName}() CASCADE",
            $"CREATE OR REPLACE FUNCTION {ControlSchema.Name}.{TenantWriteFreeze.FunctionName}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
            $"DROP SCHEMA {names.Schema} CASCADE",
            $"ALTER SCHEMA {names.Schema} RENAME TO escaped",
            "DROP TABLE customers CASCADE",
            "ALTER TABLE customers RENAME TO customers_old",
            $"ALTER TABLE customers DISABLE TRIGGER {TenantWriteFreeze.TriggerName}",
            $"DROP TRIGGER {TenantWriteFreeze.TriggerName} ON customers",
            "CREATE TABLE customers_shadow (id int)",
            "SET session_replication_role = replica",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, attack));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        var write = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('would be lost')"));
        Assert.Equal(TenantWriteFreeze.RefusedState, write.SqlState);
        Assert.Contains($"tenant {names.TenantId} is read-only", write.MessageText, StringComparison.Ordinal);
        Assert.Equal(ShopTables.All.Count, await TenantWriteFreeze.FrozenTablesAsync(admin, names.Schema, CancellationToken.None));
        Assert.Equal(before, await db.Pool().ScalarAsync<long>($"SELECT count(*) FROM {names.Schema}.customers"));
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT pg_has_role('mechanicbuddy', '{names.Role}', 'MEMBER')"));

        await TenantWriteFreeze.UnfreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
        Assert.Equal(names.Role, await db.Pool().ScalarAsync<string>($"SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '{names.Schema}'"));
        await ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('after the window')");
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT pg_has_role('mechanicbuddy', '{names.Role}', 'MEMBER')"));
    }

    /// <summary>
    /// PostgreSQL runs an index's expressions as the table's owner when it analyzes the table (autovacuum does so on its
    /// own), and owner rights are also what foreign-key actions and rules run with. During the window the tenant's tables
    /// are not the tenant's: code the tenant hung on them that acts only for others then runs as their owner. Before the window owner
    /// had a role of its own, that was the control plane, whose role functions reset another tenant's password.
    /// </summary>
    [Fact]
    public async Task Code_run_as_a_frozen_tables_owner_can_neither_borrow_the_control_planes_rights_nor_lift_the_window()
    {
        await using var db = await HostileTenantDatabase.CreateAsync();
        var (victim, victimPassword) = await db.TenantAsync("Victim Garage");
        var (names, password) = await db.TenantAsync("Owner Trap Garage");
        await using var tenant = db.Login(names, password);
        await using var admin = ControlPlaneConnection.DataSource(db.Pool().ConnectionString);
        var window = TenantWriteFreeze.WindowOwner(names.Schema);
        await ExecuteAsync(tenant,
            $"""
            CREATE SEQUENCE {names.Schema}.ran_as_window_owner;
            CREATE SEQUENCE {names.Schema}.ran_as_someone_else;
            GRANT USAGE ON SCHEMA {names.Schema} TO PUBLIC;
            GRANT USAGE ON SEQUENCE {names.Schema}.ran_as_window_owner, {names.Schema}.ran_as_someone_else TO PUBLIC;
            """);
        // Harmless while the tenant itself evaluates it (building the index, its own writes); anyone else gets the attack.
        var stolenVerifier = ScramVerifier.Create("taken-over");
        await ExecuteAsync(tenant,
            $$"""
            -- DDL is refused straight from an IMMUTABLE function, not from a volatile one it calls.
            CREATE FUNCTION {{names.Schema}}.run(command text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE command; END $$;
            CREATE FUNCTION {{names.Schema}}.indexed(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
            BEGIN
                IF current_user::text = '{{names.Role}}' THEN
                    RETURN t;
                ELSIF current_user::text = '{{window}}' THEN
                    PERFORM nextval('{{names.Schema}}.ran_as_window_owner');
                ELSE
                    PERFORM nextval('{{names.Schema}}.ran_as_someone_else');
                END IF;
                BEGIN PERFORM {{ControlSchema.Name}}.create_tenant_role('{{victim.Role}}', '{{stolenVerifier}}', 5); EXCEPTION WHEN others THEN NULL; END;
                BEGIN PERFORM {{ControlSchema.Name}}.enter_tenant('{{victim.Role}}'); EXCEPTION WHEN others THEN NULL; END;
                BEGIN PERFORM {{names.Schema}}.run('DROP TRIGGER {{TenantWriteFreeze.TriggerName}} ON {{names.Schema}}.customers'); EXCEPTION WHEN others THEN NULL; END;
                BEGIN PERFORM {{names.Schema}}.run('ALTER TABLE {{names.Schema}}.customers DISABLE TRIGGER ALL'); EXCEPTION WHEN others THEN NULL; END;
                BEGIN PERFORM {{names.Schema}}.run('ALTER TABLE {{names.Schema}}.customers OWNER TO {{names.Role}}'); EXCEPTION WHEN others THEN NULL; END;
                BEGIN PERFORM {{names.Schema}}.run('GRANT ALL ON {{names.Schema}}.customers TO PUBLIC'); EXCEPTION WHEN others THEN NULL; END;
                RETURN t;
            END $$;
            CREATE INDEX customers_trap ON customers ({{names.Schema}}.indexed(full_name));
            """);

        await TenantWriteFreeze.FreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
        // What autovacuum does by itself once enough rows changed.
        await db.Pool().ScalarAsync<int>($"ANALYZE {names.Schema}.customers; SELECT 1");

        Assert.True(await db.Pool().ScalarAsync<bool>(
            $"SELECT (SELECT is_called FROM {names.Schema}.ran_as_window_owner) OR (SELECT is_called FROM {names.Schema}.ran_as_someone_else)"), "the trap never ran");
        // The other tenant keeps its password and gains no member; the window holds.
        await using (var victimLogin = db.Login(victim, victimPassword))
        {
            Assert.Equal(1, await ScalarAsync<int>(victimLogin, "SELECT 1"));
        }
        Assert.Equal(0L, await db.Pool().ScalarAsync<long>($"SELECT count(*) FROM pg_auth_members WHERE roleid = '{victim.Role}'::regrole"));
        Assert.Equal(ShopTables.All.Count, await TenantWriteFreeze.FrozenTablesAsync(admin, names.Schema, CancellationToken.None));
        Assert.Equal(window, await db.Pool().ScalarAsync<string>($"SELECT relowner::regrole::text FROM pg_class WHERE oid = '{names.Schema}.customers'::regclass"));
        var write = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('would be lost')"));
        Assert.Equal(TenantWriteFreeze.RefusedState, write.SqlState);
        Assert.True(await db.Pool().ScalarAsync<bool>($"SELECT is_called FROM {names.Schema}.ran_as_window_owner"), "the trap ran, but not as the window's owner");
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT is_called FROM {names.Schema}.ran_as_someone_else"));
        // The window's owner logs in nowhere and is gone with the window.
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT rolcanlogin OR rolinherit FROM pg_roles WHERE rolname = '{window}'"));
        await TenantWriteFreeze.UnfreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
        Assert.False(await db.Pool().ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{window}')"));
        Assert.Equal(names.Role, await db.Pool().ScalarAsync<string>($"SELECT relowner::regrole::text FROM pg_class WHERE oid = '{names.Schema}.customers'::regclass"));
        await ExecuteAsync(tenant, "INSERT INTO customers (full_name) VALUES ('after the window')");
    }

    [Fact]
    public async Task The_control_plane_holds_no_power_a_tenant_could_borrow_and_the_role_functions_make_tenant_roles_only()
    {
        await using var db = await HostileTenantDatabase.CreateAsync();
        var (names, password) = await db.TenantAsync("Borrowed Power Garage");
        await using var tenant = db.Login(names, password);
        await using var admin = ControlPlaneConnection.DataSource(db.Pool().ConnectionString);

        Assert.Equal("False False", await db.Pool().ScalarAsync<string>("SELECT rolsuper::text || ' ' || rolcreaterole::text FROM pg_roles WHERE rolname = 'mechanicbuddy'") is { } flags
            ? string.Join(' ', flags.Split(' ').Select(f => f == "true" ? "True" : "False")) : null);
        Assert.Equal(0L, await db.Pool().ScalarAsync<long>(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'mechanicbuddy' AND g.rolname LIKE 'tenant\\_%'"));

        // The tenant cannot call the role functions at all.
        var call = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(tenant,
            $"SELECT {ControlSchema.Name}.enter_tenant('{names.Role}')"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, call.SqlState);
        // The control plane itself gets nothing but tenant roles out of them.
        foreach (var abuse in new[]
        {
            $"SELECT {ControlSchema.Name}.enter_tenant('postgres')",
            $"SELECT {ControlSchema.Name}.enter_tenant('pg_execute_server_program')",
            $"SELECT {ControlSchema.Name}.create_tenant_role('mechanicbuddy', 'SCRAM-SHA-256$x', 2)",
            $"SELECT {ControlSchema.Name}.create_tenant_role('{names.Role}', 'plain-text-password', 2)",
            $"SELECT {ControlSchema.Name}.drop_tenant_role('mechanicbuddy_roles')",
            $"GRANT pg_execute_server_program TO {names.Role}",
            "CREATE ROLE escalated LOGIN",
        })
        {
            await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(admin, abuse));
        }
        // A role of that shape that is not in the pool's tenant group is not a tenant role.
        await db.Pool().ScalarAsync<int>("DROP ROLE IF EXISTS tenant_outsider_app; CREATE ROLE tenant_outsider_app; SELECT 1");
        try
        {
            await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(admin, $"SELECT {ControlSchema.Name}.enter_tenant('tenant_outsider_app')"));
        }
        finally
        {
            await db.Pool().ScalarAsync<int>("DROP ROLE tenant_outsider_app; SELECT 1");
        }
    }

    [Fact]
    public async Task A_tenant_cannot_hold_what_the_workers_wait_on_nor_reach_the_registry_nor_take_the_servers_connections()
    {
        await using var db = await HostileTenantDatabase.CreateAsync();
        var (names, password) = await db.TenantAsync("Lock Hog Garage");
        await using var tenant = db.Login(names, password);

        // The tenant holds the advisory lock a worker used to wait on at start, and tries the lock it waits on now.
        await using var hog = await tenant.OpenConnectionAsync();
        await using (var grab = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('mechanicbuddy:prepare-pool'))", hog))
        {
            await grab.ExecuteNonQueryAsync();
        }
        await using (var transaction = await hog.BeginTransactionAsync())
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var lockTable = new NpgsqlCommand($"LOCK TABLE {ControlSchema.Name}.pool_lock IN EXCLUSIVE MODE", hog, transaction);
                await lockTable.ExecuteNonQueryAsync();
            });
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        await using (var pools = new SharedPools(db.Options))
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var group = await new SharedPoolSchemas(pools, db.Options, NullLogger<SharedPoolSchemas>.Instance).PreparePoolAsync(PoolName(0), deadline.Token);
            Assert.EndsWith("_tenants", group, StringComparison.Ordinal);
        }

        // Neither the registry's database nor the maintenance database lets a tenant in. The role's connection limit is
        // checked before the database's CONNECT right, so the sessions of the tenant's setup must have ended first.
        for (var wait = 0; wait < 50 && await db.Pool().ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE usename = @role", ("role", names.Role)) > 1; wait++)
        {
            await Task.Delay(100);
        }
        foreach (var database in new[] { "mechanicbuddy_registry", "postgres", "template1" })
        {
            await using var elsewhere = new NpgsqlConnection(TestEnvironment.ConnectionString(database, names.Role, password));
            var denied = await Assert.ThrowsAsync<PostgresException>(() => elsewhere.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }

        // Its connections are capped; the control plane still gets in.
        var limit = new FreeTierOptions().TenantConnectionLimit;
        var held = new List<NpgsqlConnection> { hog };
        try
        {
            for (var i = 1; i < limit; i++)
            {
                var connection = new NpgsqlConnection(TestEnvironment.ConnectionString(db.Pool().Name, names.Role, password) + ";Pooling=false");
                await connection.OpenAsync();
                held.Add(connection);
            }
            await using var oneMore = new NpgsqlConnection(TestEnvironment.ConnectionString(db.Pool().Name, names.Role, password) + ";Pooling=false");
            var full = await Assert.ThrowsAsync<PostgresException>(() => oneMore.OpenAsync());
            Assert.Equal(PostgresErrorCodes.TooManyConnections, full.SqlState);
            await using var controlPlane = ControlPlaneConnection.DataSource(db.Pool().ConnectionString);
            Assert.Equal(1, await ScalarAsync<int>(controlPlane, "SELECT 1"));
        }
        finally
        {
            foreach (var connection in held.Skip(1))
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Pools_that_promise_more_connections_than_their_server_has_are_refused()
    {
        await using var pool = await TestDatabase.CreatePoolAsync("mbt_budget");
        var options = Options.Create(new ProvisioningOptions
        {
            FreeTier = new FreeTierOptions { PostgresConnectionString = pool.ConnectionString, MaxTenantsPerInstance = 5_000, TenantConnectionLimit = 2 },
        });
        await using var pools = new SharedPools(options);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SharedPoolSchemas(pools, options, NullLogger<SharedPoolSchemas>.Instance).PreparePoolAsync("default", CancellationToken.None));
        Assert.Contains("promise their tenants 10000 connections", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_database_the_tenant_owns_nothing_it_creates_stands_in_for_a_builtin_of_ours()
    {
        // Like a tenant's own instance or CNPG cluster: the tenant's role owns the database and its public schema.
        var names = new TenantNames(TenantIds.Generate("Shadow Garage"));
        var password = "shadow-" + Guid.NewGuid().ToString("N");
        var database = $"mbt_owned_{Guid.NewGuid():N}"[..24];
        await using var server = new NpgsqlConnection(TestEnvironment.SuperuserConnectionString("postgres"));
        await server.OpenAsync();
        await new NpgsqlCommand($"CREATE ROLE {names.Role} LOGIN PASSWORD '{password}'", server).ExecuteNonQueryAsync();
        await new NpgsqlCommand($"CREATE DATABASE {database} OWNER {names.Role}", server).ExecuteNonQueryAsync();
        try
        {
            var superuser = TestEnvironment.SuperuserConnectionString(database);
            await using (var setup = new NpgsqlConnection(superuser))
            {
                await setup.OpenAsync();
                await new NpgsqlCommand($"CREATE SCHEMA {names.Schema} AUTHORIZATION {names.Role}", setup).ExecuteNonQueryAsync();
                await ControlSchema.EnsureOwnAsync(setup, null, CancellationToken.None);
            }
            await using var tenant = NpgsqlDataSource.Create(TestEnvironment.ConnectionString(database, names.Role, password));
            // The tenant shadows lower() in the schema it owns and puts that schema before pg_catalog for everyone here.
            await ExecuteAsync(tenant,
                $"""
                CREATE TABLE public.loot (who text);
                GRANT INSERT ON public.loot TO PUBLIC;
                CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO public.loot VALUES (current_user); RETURN 'shadowed'; END $$;
                ALTER DATABASE {database} SET search_path = public, pg_catalog;
                """);
            await using (var migrate = TenantLogin.DataSource(TestEnvironment.ConnectionString(database), names, password))
            {
                new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).Migrate(migrate, names.Schema);
            }

            // Unpinned, a superuser session would run the tenant's function; pinned, ours resolve to pg_catalog.
            await using (var unpinned = NpgsqlDataSource.Create(superuser))
            {
                Assert.Equal("shadowed", await ScalarAsync<string>(unpinned, "SELECT lower('X')"));
            }
            await using var admin = ControlPlaneConnection.DataSource(superuser);
            Assert.Equal("x", await ScalarAsync<string>(admin, "SELECT lower('X')"));
            await ExecuteAsync(tenant, "TRUNCATE public.loot");

            await TenantWriteFreeze.FreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
            await TenantWriteFreeze.UnfreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None);
            Assert.Equal(0L, await ScalarAsync<long>(tenant, "SELECT count(*) FROM public.loot"));

            // A control schema the tenant made itself (it owns the database) is refused, never used.
            await using (var drop = new NpgsqlConnection(superuser))
            {
                await drop.OpenAsync();
                await new NpgsqlCommand($"DROP SCHEMA {ControlSchema.Name} CASCADE", drop).ExecuteNonQueryAsync();
            }
            await ExecuteAsync(tenant, $"CREATE SCHEMA {ControlSchema.Name}");
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(
                () => TenantWriteFreeze.FreezeAsync(admin, names.Schema, names.Role, LockTimeout, CancellationToken.None));
            Assert.Contains($"belongs to {names.Role}", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", server).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"DROP ROLE IF EXISTS {names.Role}", server).ExecuteNonQueryAsync();
        }
    }
}
