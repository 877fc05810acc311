using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// Where a tenant lives on one path: during a tier change the target being built, after it the old side kept for the
/// grace period. The tenant's own (flat, seed-shaped) fields always describe the side that serves it.
/// </summary>
public sealed class TenantSide
{
    public string DeploymentMode { get; set; } = "";
    public string? Platform { get; set; }
    public string? Pool { get; set; }
    public string? Schema { get; set; }
    public int? SchemaVersion { get; set; }
    public string? Namespace { get; set; }
    public string? HelmRelease { get; set; }
    public string? TenantUrl { get; set; }
    public string? ApiUrl { get; set; }

    /// <summary>Removing this side leaves the tenant's route alone: the other side serves the same route (nginx file, NPM host).</summary>
    public bool KeepRoute { get; set; }

    public static TenantSide CurrentOf(TenantState saga) => new()
    {
        DeploymentMode = saga.DeploymentMode ?? DeploymentModes.Shared,
        Platform = saga.Platform,
        Pool = saga.Pool,
        Schema = saga.Schema,
        SchemaVersion = saga.SchemaVersion,
        Namespace = saga.Namespace,
        HelmRelease = saga.HelmRelease,
        TenantUrl = saga.TenantUrl,
        ApiUrl = saga.ApiUrl,
    };

    /// <summary>The tenant's side in a role: the one serving it, the target being built, or the old side being kept.</summary>
    public static TenantSide Of(TenantState saga, string role) =>
        InRole(saga, role) ?? throw new InvalidOperationException($"tenant {saga.TenantId} has no {role} side");

    /// <summary>The path of the tenant's side in a role, or null when it has no such side now.</summary>
    public static string? ModeOf(TenantState saga, string role) => role == TenantSideRoles.Current ? saga.DeploymentMode : InRole(saga, role)?.DeploymentMode;

    static TenantSide? InRole(TenantState saga, string role) => role switch
    {
        TenantSideRoles.Current => CurrentOf(saga),
        TenantSideRoles.Target => saga.Target,
        TenantSideRoles.Retired => saga.Retired,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a side"),
    };

    /// <summary>What the worker built for this side, as its answer reports it.</summary>
    public TenantSide Record(TenantSideBuilt built)
    {
        Platform = built.Platform;
        Schema = built.Schema;
        SchemaVersion = built.SchemaVersion;
        Namespace = built.Namespace;
        HelmRelease = built.HelmRelease;
        TenantUrl = built.TenantUrl;
        ApiUrl = built.ApiUrl;
        return this;
    }

    /// <summary>Makes this side the one that serves the tenant.</summary>
    public void ApplyTo(TenantState saga)
    {
        saga.DeploymentMode = DeploymentMode;
        saga.Platform = Platform;
        saga.Pool = Pool;
        saga.Schema = Schema;
        saga.SchemaVersion = SchemaVersion;
        saga.Namespace = Namespace;
        saga.HelmRelease = HelmRelease;
        saga.TenantUrl = TenantUrl;
        saga.ApiUrl = ApiUrl;
    }

    public TenantDataLocation Location => new() { DeploymentMode = DeploymentMode, Pool = Pool, Namespace = Namespace };

    public string Describe() => DeploymentMode == DeploymentModes.Shared
        ? $"shared pool {Pool}"
        : $"dedicated {Namespace}{(Platform is { } platform ? $" ({platform})" : "")}";
}
