using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy.Configuration;
using static MechanicBuddy.DedicatedProvisioner.Provisioning.DedicatedTenantSteps;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>
/// professional ↔ enterprise where the tenant is: the quota is first widened to hold both tiers at once (old pods beside
/// the new tier's surge pods, joining instances), `helm upgrade --reuse-values` with the new tier's shape (CloudNativePG
/// adds or removes instances and restarts each with its new memory; the deployments roll), the waits of a provisioning,
/// then the quota of the new tier. A failure runs the same steps back to the old tier.
/// </summary>
public sealed partial class KubernetesPlatform
{
    public async Task<DedicatedProvisioningOutcome> ResizeAsync(DedicatedResizePlan plan, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var tenantId = plan.Names.TenantId;
        var owned = await namespaces.ReadAsync(plan.Namespace, cancellationToken);
        if (owned is null || !TenantNamespaces.BelongsTo(owned, tenantId))
        {
            var reason = owned is null ? $"namespace {plan.Namespace} does not exist" : $"namespace {plan.Namespace} is not labelled for tenant {tenantId}";
            await onProgress(steps.Progress(ResizeQuota, ProvisioningProgress.Failed, reason));
            return new DedicatedProvisioningOutcome.Failed(ResizeQuota, reason, Compensated: true);
        }
        var warnings = new List<string>();
        try
        {
            await ApplyShapeAsync(plan, plan.Command.NewTier, plan.To, warnings, onProgress, cancellationToken);
            return new DedicatedProvisioningOutcome.Succeeded(plan.Names.HelmRelease, warnings);
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var reason = StepRunner.Describe(failure);
            logger.LogWarning("Resize of {TenantId} to {Tier} failed at {Step}: {Reason}; putting {OldTier} back", tenantId, plan.Command.NewTier, failure.Step,
                reason, plan.Command.OldTier);
            await onProgress(steps.Progress(failure.Step, ProvisioningProgress.Failed, reason));
            var restored = await steps.CompensateAsync(async () =>
                {
                    var back = new List<string>();
                    await ApplyShapeAsync(plan, plan.Command.OldTier, plan.From, back, _ => Task.CompletedTask, cancellationToken);
                    return back.Count == 0;
                },
                $"{plan.Command.OldTier} shape put back: release upgraded to its values again, every instance and deployment ready", onProgress, logger, tenantId);
            return new DedicatedProvisioningOutcome.Failed(failure.Step, reason, restored);
        }
    }

    async Task ApplyShapeAsync(DedicatedResizePlan plan, string tier, TierResourceLimits limits, List<string> warnings,
        Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken)
    {
        var (ns, release) = (plan.Namespace, plan.Names.HelmRelease);
        await steps.RunAsync(ResizeQuota, $"ResourceQuota {TenantNamespaces.QuotaName} holds both tiers while pods are replaced", onProgress,
            cancellationToken => namespaces.EnsureAsync(plan.Names, tier, plan.Transition, cancellationToken), cancellationToken);
        var deployed = "";
        await steps.RunAsync(DeployHelmChart, () => deployed, onProgress, async cancellationToken =>
        {
            var recovered = await helm.RecoverAsync(release, ns, cancellationToken);
            var yaml = HelmValues.ToYaml(HelmValues.Shape(plan.Names.TenantId, tier, limits, Kube));
            var output = await helm.UpgradeInstallAsync(release, ns, yaml, cancellationToken, reuseValues: true);
            deployed = (recovered is null ? "" : recovered + "; ") + (output.Split('\n').FirstOrDefault(l => l.Length > 0) ?? $"release {release} upgraded")
                + $" with the {tier} shape";
        }, cancellationToken);
        await WaitForPostgresAsync(ns, onProgress, cancellationToken);
        await WaitForDeploymentAsync(WaitForApi, ns, HelmValues.ApiName, warnings, onProgress, cancellationToken);
        await WaitForDeploymentAsync(WaitForWeb, ns, HelmValues.WebName, warnings, onProgress, cancellationToken);
        await steps.RunAsync(ResizeQuota, $"ResourceQuota {TenantNamespaces.QuotaName} for {tier}", onProgress,
            cancellationToken => namespaces.EnsureAsync(plan.Names, tier, limits, cancellationToken), cancellationToken);
    }
}
