using k8s;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy.Configuration;
using static MechanicBuddy.DedicatedProvisioner.Provisioning.DedicatedTenantSteps;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>
/// professional ↔ enterprise where the tenant is: the quota is first widened to hold both tiers at once (old pods beside
/// the new tier's surge pods, joining instances), `helm upgrade --reset-then-reuse-values` with the new tier's shape
/// (CloudNativePG adds or removes instances and restarts each with its new memory; the deployments roll), waits until
/// the cluster and both deployments run the new shape, then the quota of the new tier. A failure up to the waits runs
/// the same steps back to the old tier; the final quota only warns (the new shape runs; a wide quota is no outage).
/// </summary>
public sealed partial class KubernetesPlatform
{
    public async Task<DedicatedProvisioningOutcome> ResizeAsync(DedicatedResizePlan plan, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var tenantId = plan.Names.TenantId;
        var warnings = new List<string>();
        try
        {
            var owned = await namespaces.ReadAsync(plan.Namespace, cancellationToken);
            if (owned is null || !TenantNamespaces.BelongsTo(owned, tenantId))
            {
                throw new InvalidOperationException(owned is null ? $"namespace {plan.Namespace} does not exist" : $"namespace {plan.Namespace} is not labelled for tenant {tenantId}");
            }
            plan = plan.WithStorageAtLeast((await ReadClusterAsync(plan.Namespace, cancellationToken))?.Spec?.Storage?.Size);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing was changed yet; answered, not thrown, so the command is not retried into the error queue.
            var reason = StepRunner.Describe(ex);
            await onProgress(steps.Progress(ResizeQuota, ProvisioningProgress.Failed, reason));
            return new DedicatedProvisioningOutcome.Failed(ResizeQuota, reason, Compensated: true);
        }
        try
        {
            await ApplyShapeAsync(plan, plan.Command.NewTier, plan.To, plan.From, warnings, onProgress, cancellationToken);
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var reason = StepRunner.Describe(failure);
            logger.LogWarning("Resize of {TenantId} to {Tier} failed at {Step}: {Reason}; putting {OldTier} back", tenantId, plan.Command.NewTier, failure.Step,
                reason, plan.Command.OldTier);
            await onProgress(steps.Progress(failure.Step, ProvisioningProgress.Failed, reason));
            var restored = await steps.CompensateAsync(async () =>
                {
                    await ApplyShapeAsync(plan, plan.Command.OldTier, plan.From, plan.To, [], _ => Task.CompletedTask, cancellationToken);
                    await namespaces.EnsureAsync(plan.Names, plan.Command.OldTier, plan.From, cancellationToken);
                    return true;
                },
                $"{plan.Command.OldTier} shape put back: release upgraded to its values again, every instance and deployment ready", onProgress, logger, tenantId);
            return new DedicatedProvisioningOutcome.Failed(failure.Step, reason, restored);
        }
        try
        {
            await steps.RunAsync(ResizeQuota, $"ResourceQuota {TenantNamespaces.QuotaName} for {plan.Command.NewTier}", onProgress,
                cancellationToken => namespaces.EnsureAsync(plan.Names, plan.Command.NewTier, plan.To, cancellationToken), cancellationToken);
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var warning = $"{ResizeQuota}: the new shape runs, but the quota is still sized for both tiers: {StepRunner.Describe(failure)}";
            warnings.Add(warning);
            await onProgress(steps.Progress(ResizeQuota, ProvisioningProgress.Warning, warning));
        }
        return new DedicatedProvisioningOutcome.Succeeded(plan.Names.HelmRelease, warnings);
    }

    /// <summary>Quota for both tiers, the upgrade, and the waits until <paramref name="limits"/> is what runs; any shortfall fails.</summary>
    async Task ApplyShapeAsync(DedicatedResizePlan plan, string tier, TierResourceLimits limits, TierResourceLimits other, List<string> warnings,
        Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken)
    {
        var (ns, release) = (plan.Namespace, plan.Names.HelmRelease);
        await steps.RunAsync(ResizeQuota, $"ResourceQuota {TenantNamespaces.QuotaName} holds both tiers while pods are replaced", onProgress,
            cancellationToken => namespaces.EnsureAsync(plan.Names, tier, plan.Transition, cancellationToken), cancellationToken);
        var deployed = "";
        var changedAt = steps.Clock.GetUtcNow();
        await steps.RunAsync(DeployHelmChart, () => deployed, onProgress, async cancellationToken =>
        {
            var recovered = await helm.RecoverAsync(release, ns, cancellationToken);
            var yaml = HelmValues.ToYaml(HelmValues.Shape(plan.Names.TenantId, tier, limits, Kube));
            changedAt = steps.Clock.GetUtcNow();
            var output = await helm.UpgradeKeepingValuesAsync(release, ns, yaml, cancellationToken);
            deployed = (recovered is null ? "" : recovered + "; ") + (output.Split('\n').FirstOrDefault(l => l.Length > 0) ?? $"release {release} upgraded")
                + $" with the {tier} shape";
        }, cancellationToken);
        var restarts = limits.PostgresMemory != other.PostgresMemory;
        await WaitForPostgresAsync(ns, onProgress, cancellationToken, c => c.IsReadyWith(limits.PostgresInstances, limits.PostgresMemory, restarts, changedAt));
        // On a resize the old pods keep serving while the new tier's do not come up: that is a failure to undo, not a warning.
        var before = warnings.Count;
        await WaitForDeploymentAsync(WaitForApi, ns, HelmValues.ApiName, warnings, onProgress, cancellationToken);
        await WaitForDeploymentAsync(WaitForWeb, ns, HelmValues.WebName, warnings, onProgress, cancellationToken);
        if (warnings.Count > before)
        {
            throw new StepFailedException(warnings[before].Split(':')[0], new ReadinessTimeoutException(warnings[before]));
        }
    }

    async Task<CnpgCluster?> ReadClusterAsync(string ns, CancellationToken cancellationToken)
    {
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<CnpgClusterList>(CnpgCluster.Group, CnpgCluster.Version, ns, CnpgCluster.Plural,
            fieldSelector: $"metadata.name={HelmValues.PostgresClusterName}", cancellationToken: cancellationToken);
        return list.Items.FirstOrDefault();
    }
}
