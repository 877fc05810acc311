using System.Globalization;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.StateMachines;

namespace MechanicBuddy.TenantRegistry.Api;

/// <summary>Turns the saga into the seed's shapes: the Tenant entity and the TenantProvisioningResult.</summary>
public static class TenantMapper
{
    public static TenantDto ToDto(TenantState saga) => new()
    {
        Id = saga.TenantId,
        CompanyName = saga.CompanyName,
        SubscriptionTier = saga.SubscriptionTier,
        OwnerEmail = saga.OwnerEmail,
        CustomDomain = saga.CustomDomain,
        DeploymentMode = saga.DeploymentMode,
        Namespace = saga.Namespace,
        HelmRelease = saga.HelmRelease,
        Platform = saga.Platform,
        TenantUrl = saga.TenantUrl,
        ApiUrl = saga.ApiUrl,
        SchemaVersion = saga.SchemaVersion,
        Status = saga.CurrentState,
        Pool = saga.Pool,
        FailedStep = saga.FailedStep,
        FailureReason = saga.FailureReason,
        RequestedAt = saga.RequestedAt,
        ProvisionedAt = saga.ProvisionedAt,
        DeprovisionedAt = saga.DeprovisionedAt,
        SuspendedAt = saga.SuspendedAt,
        SuspendReason = saga.SuspendReason,
        TargetTier = saga.TargetTier,
        TierChangeError = saga.TierChangeError,
        Retiring = saga.Retired is { } old
            ? new TenantDto.OldSide { DeploymentMode = old.DeploymentMode, Platform = old.Platform, Pool = old.Pool, Namespace = old.Namespace, RemoveAt = saga.RetireAt }
            : null,
    };

    /// <param name="status">The state to report when the saga is about to enter it (its completion event is built before the row is stored).</param>
    public static TenantProvisioningResult ToResult(TenantState saga, IReadOnlyList<ProvisioningLogEntry> log, ProvisioningOptions options, DateTimeOffset now,
        string? status = null)
    {
        var end = saga.ProvisionedAt ?? saga.FailedAt ?? now;
        var state = status ?? saga.CurrentState;
        return new TenantProvisioningResult
        {
            Success = state == TenantStatuses.Active,
            Status = state,
            TenantId = saga.TenantId,
            CompanyName = saga.CompanyName,
            TenantUrl = saga.TenantUrl,
            ApiUrl = saga.ApiUrl,
            Namespace = saga.Namespace,
            DeploymentMode = saga.DeploymentMode,
            HelmRelease = saga.HelmRelease,
            SubscriptionTier = saga.SubscriptionTier,
            ProvisioningDuration = (end - saga.RequestedAt).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture),
            Resources = Resources(saga, options),
            ProvisioningLog = log,
            Warnings = saga.DeploymentMode is { } mode ? SignupWarnings.For(mode, options.FreeTier) : [],
            ErrorMessage = saga.FailureReason,
            FailedStep = saga.FailedStep,
        };
    }

    static TenantResources? Resources(TenantState saga, ProvisioningOptions options)
    {
        if (saga.DeploymentMode == DeploymentModes.Shared)
        {
            const string shared = "shared";
            return new TenantResources
            {
                PostgresInstances = shared, PostgresStorage = shared, ApiReplicas = shared, WebReplicas = shared,
                MechanicLimit = options.FreeTier.MechanicLimit, BackupEnabled = false,
            };
        }
        if (saga.DeploymentMode == DeploymentModes.Dedicated && options.TierResourceLimits.TryGetValue(saga.SubscriptionTier, out var limits))
        {
            return new TenantResources
            {
                PostgresInstances = limits.PostgresInstances, PostgresStorage = limits.PostgresStorage, ApiReplicas = limits.ApiReplicas,
                WebReplicas = limits.WebReplicas, MechanicLimit = limits.MechanicLimit, BackupEnabled = limits.BackupEnabled,
            };
        }
        return null;
    }
}
