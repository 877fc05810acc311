using System.Net.Http.Json;
using MechanicBuddy.IntegrationTests.Support;
using MechanicBuddy.Tenancy;
using MechanicBuddy.TenantDatabase;
using Npgsql;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>Reaching both sides of a tenant in end-to-end tests: its pool schema, its own instance, and its host on the edge.</summary>
public sealed class TenantSides(ControlPlaneFixture plane)
{
    static readonly HttpClient Edge = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The tenant's schema in the shared pool, as a DBA sees it (the control plane's own role cannot read tenant rows).</summary>
    public NpgsqlDataSource PoolSchema(string tenantId) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestEnvironment.SuperuserConnectionString(plane.Pool.Name))
            { SearchPath = new TenantNames(tenantId).Schema, Pooling = false }.ConnectionString);

    /// <summary>The tenant's pool schema, logged in as its own role (what the shop app would use).</summary>
    public NpgsqlDataSource PoolAsTenant(string tenantId)
    {
        var password = File.ReadAllText(Path.Combine(plane.SecretsDirectory, tenantId, "database-password")).Trim();
        return TenantLogin.DataSource(plane.Pool.ConnectionString, new TenantNames(tenantId), password);
    }

    /// <summary>The tenant's own instance, logged in as its own role.</summary>
    public NpgsqlDataSource InstanceAsTenant(string tenantId)
    {
        var names = new TenantNames(tenantId);
        var port = TenantInstances.PortOf(plane.TenantInstancesDirectory, tenantId) ?? throw new InvalidOperationException($"{tenantId} has no instance");
        var password = File.ReadAllText(Path.Combine(plane.DedicatedSecretsDirectory, tenantId, "database-password")).Trim();
        return NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Database=mechanicbuddy;Username={names.Role};Password={password};Search Path={names.Schema};Pooling=false");
    }

    public bool HasInstance(string tenantId) => Directory.Exists(TenantInstances.DirectoryOf(plane.TenantInstancesDirectory, tenantId));

    public Task<bool> HasPoolSchemaAsync(string tenantId) =>
        plane.Pool.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @s)", ("s", new TenantNames(tenantId).Schema));

    /// <summary>What the edge does with a request for the tenant's host: which upstream ("shared"/"dedicated") got it, with which X-Tenant-ID.</summary>
    public async Task<EchoResponse> EdgeAsync(string tenantId, string? host = null)
    {
        using var request = EdgeRequest.Get(host ?? $"{tenantId}.{plane.Domain}", "/api/work-orders");
        request.Headers.Add("X-Tenant-ID", "someone-else-123456");
        using var response = await Edge.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the edge answered {(int)response.StatusCode} for {tenantId}; route {EdgeRoutes.Describe(tenantId)}");
        }
        return (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static Task<IReadOnlyList<TableFingerprint>> FingerprintAsync(NpgsqlDataSource source, string tenantId) =>
        TenantDataCopy.FingerprintAsync(source, new TenantNames(tenantId).Schema, CancellationToken.None);
}
