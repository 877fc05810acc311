using k8s;
using k8s.Models;
using MechanicBuddy.DedicatedProvisioner.Provisioning;
using MechanicBuddy.Provisioning.Routing;
using MechanicBuddy.Provisioning.Steps;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Options;
using Npgsql;
using static MechanicBuddy.DedicatedProvisioner.Provisioning.DedicatedTenantSteps;
using static MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes.FieldValidation;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>A readiness wait ran out of time; not transient, so the step runner does not retry it.</summary>
public sealed class ReadinessTimeoutException(string message) : Exception(message);

/// <summary>
/// The seed's Path 2 on Kubernetes: namespace with its guard rails, Helm values from the tier, `helm upgrade --install`,
/// then PostgreSQL (the CloudNativePG Cluster), API and Web readiness by watching, then the Ingress and its certificate.
/// Errors follow the seed's Error Handling Flow: helm failure → Failed with helm's output; database timeout → release
/// and namespace removed, Failed; API/Web timeout → a warning, and provisioning continues.
/// </summary>
public sealed partial class KubernetesPlatform(
    IKubernetes client,
    TenantNamespaces namespaces,
    HelmCli helm,
    TenantIngress ingress,
    ITenantRouteDriver edge,
    StepRunner steps,
    IOptions<KubernetesOptions> options,
    IOptions<ProvisioningOptions> provisioning,
    ShopSchemaMigrator migrator,
    ILogger<KubernetesPlatform> logger) : IDedicatedPlatform
{
    public string Name => DedicatedPlatforms.Kubernetes;

    KubernetesOptions Kube => options.Value;
    TimeSpan ReadyTimeout => TimeSpan.FromSeconds(Kube.ReadyTimeoutSeconds);

    public async Task<DedicatedProvisioningOutcome> ProvisionAsync(DedicatedTenantPlan plan, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        var names = plan.Names;
        var ns = names.DedicatedNamespace;
        var release = names.HelmRelease;
        var limits = plan.Limits;
        var warnings = new List<string>();
        try
        {
            await steps.RunAsync(CreateNamespace,
                $"namespace {ns} (tier {plan.Command.SubscriptionTier}) with ResourceQuota {TenantNamespaces.QuotaName}, LimitRange {TenantNamespaces.LimitRangeName}, NetworkPolicy {TenantNamespaces.NetworkPolicyName}",
                onProgress, cancellationToken => namespaces.EnsureAsync(names, plan.Command.SubscriptionTier, limits, cancellationToken), cancellationToken);

            var yaml = "";
            await steps.RunAsync(BuildHelmValues,
                $"postgresql {limits.PostgresInstances}×{limits.PostgresMemory}, {limits.PostgresStorage}; api {limits.ApiReplicas}×{limits.ApiMemory}; web {limits.WebReplicas}×{limits.WebMemory}; " +
                $"hosts {string.Join(", ", plan.Hostnames)}; TLS via {Kube.ClusterIssuer}; backups {(limits.BackupEnabled && !string.IsNullOrWhiteSpace(Kube.BackupDestinationPath) ? "on" : "off")}",
                onProgress, cancellationToken =>
                {
                    yaml = HelmValues.ToYaml(HelmValues.Build(plan, Kube));
                    return Task.CompletedTask;
                }, cancellationToken);

            var deployed = "";
            await steps.RunAsync(DeployHelmChart, () => deployed, onProgress, async cancellationToken =>
            {
                var recovered = await helm.RecoverAsync(release, ns, cancellationToken);
                var output = await helm.UpgradeInstallAsync(release, ns, yaml, cancellationToken);
                deployed = (recovered is null ? "" : recovered + "; ") + (output.Split('\n').FirstOrDefault(l => l.Length > 0) ?? $"release {release} deployed");
            }, cancellationToken);

            await WaitForPostgresAsync(ns, onProgress, cancellationToken);
            await WaitForDeploymentAsync(WaitForApi, ns, HelmValues.ApiName, warnings, onProgress, cancellationToken);
            await WaitForDeploymentAsync(WaitForWeb, ns, HelmValues.WebName, warnings, onProgress, cancellationToken);

            IngressState? routed = null;
            await steps.RunAsync(ConfigureIngress,
                () => $"ingress {HelmValues.IngressName}: {string.Join(", ", routed!.Hosts)} (/ → web, /api → api), TLS secret {routed.TlsSecret ?? "none"}: {routed.CertificateState}",
                onProgress, async cancellationToken =>
                {
                    routed = await ingress.ReadAsync(ns, cancellationToken);
                    var missing = plan.Hostnames.Except(routed.Hosts, StringComparer.OrdinalIgnoreCase).ToList();
                    if (missing.Count > 0)
                    {
                        throw new InvalidOperationException($"ingress {HelmValues.IngressName} does not serve {string.Join(", ", missing)}");
                    }
                }, cancellationToken);
            if (routed is { CertificateReady: false })
            {
                warnings.Add($"{ConfigureIngress}: {routed.CertificateState}");
            }
            return new DedicatedProvisioningOutcome.Succeeded(release, warnings, await SchemaVersionAsync(names.TenantId, ns, cancellationToken));
        }
        catch (StepFailedException failure) when (!failure.IsCancellation(cancellationToken))
        {
            var reason = StepRunner.Describe(failure);
            logger.LogWarning("Dedicated provisioning of {TenantId} failed at {Step}: {Reason}; removing release and namespace", names.TenantId, failure.Step, reason);
            await onProgress(steps.Progress(failure.Step, ProvisioningProgress.Failed, reason));
            var removed = await steps.CompensateAsync(() => RemoveAsync(names.TenantId, keepRoute: false, _ => Task.CompletedTask, cancellationToken),
                "release uninstalled and namespace deleted", onProgress, logger, names.TenantId);
            return new DedicatedProvisioningOutcome.Failed(failure.Step, reason, removed);
        }
    }

    /// <summary>The seed's database wait: critical, so a timeout fails the step (and the caller compensates).</summary>
    async Task WaitForPostgresAsync(string ns, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken,
        Func<CnpgCluster, bool>? ready = null)
    {
        var database = new ReadinessResult(false, "");
        await steps.RunAsync(WaitForPostgres, () => $"CloudNativePG cluster {HelmValues.PostgresClusterName}: {database.LastSeen}", onProgress, async cancellationToken =>
        {
            database = await WaitForClusterAsync(ns, cancellationToken, ready);
            if (!database.Ready)
            {
                throw new ReadinessTimeoutException($"database timeout: cluster {HelmValues.PostgresClusterName} not ready after {ReadyTimeout.TotalMinutes:0.#} min ({database.LastSeen})");
            }
        }, cancellationToken);
    }

    Task<ReadinessResult> WaitForClusterAsync(string ns, CancellationToken cancellationToken, Func<CnpgCluster, bool>? ready = null) =>
        ReadinessWatch.WaitAsync<CnpgCluster, CnpgClusterList>(
            token => client.CustomObjects.ListNamespacedCustomObjectAsync<CnpgClusterList>(
                CnpgCluster.Group, CnpgCluster.Version, ns, CnpgCluster.Plural, fieldSelector: $"metadata.name={HelmValues.PostgresClusterName}", cancellationToken: token),
            (version, onError, token) => client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                CnpgCluster.Group, CnpgCluster.Version, ns, CnpgCluster.Plural, fieldSelector: $"metadata.name={HelmValues.PostgresClusterName}",
                resourceVersion: version, onError: onError, cancellationToken: token).Select(e => (e.Item1, CnpgCluster.From(e.Item2))),
            ready ?? (c => c.IsReady), c => c.Describe(), ReadyTimeout, steps.Clock, cancellationToken);

    /// <summary>API and Web: a timeout is the seed's "log warning, continue"; an API error is still a failure.</summary>
    async Task WaitForDeploymentAsync(string step, string ns, string deployment, List<string> warnings, Func<ProvisioningProgress, Task> onProgress,
        CancellationToken cancellationToken)
    {
        ReadinessResult result;
        try
        {
            result = await ReadinessWatch.WaitAsync<V1Deployment, V1DeploymentList>(
                token => client.AppsV1.ListNamespacedDeploymentAsync(ns, fieldSelector: $"metadata.name={deployment}", cancellationToken: token),
                (version, onError, token) => client.AppsV1.WatchListNamespacedDeploymentAsync(ns, fieldSelector: $"metadata.name={deployment}",
                    resourceVersion: version, onError: onError, cancellationToken: token),
                ReadinessWatch.IsReady, ReadinessWatch.Describe, ReadyTimeout, steps.Clock, cancellationToken, stalled: ReadinessWatch.Stalled);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new StepFailedException(step, ex);
        }
        if (result.Ready)
        {
            await onProgress(steps.Progress(step, ProvisioningProgress.Completed, $"deployment {deployment}: {result.LastSeen}"));
            return;
        }
        var warning = result.Stalled
            ? $"deployment {deployment}: {result.LastSeen}; continuing (non-critical)"
            : $"deployment {deployment}: {result.LastSeen} after {ReadyTimeout.TotalMinutes:0.#} min; continuing (non-critical)";
        warnings.Add($"{step}: {warning}");
        await onProgress(steps.Progress(step, ProvisioningProgress.Warning, warning));
    }

    /// <summary>
    /// Suspends by scaling the API and Web deployments to zero (the ingress then has no endpoints and answers 503; the
    /// CNPG cluster and its data are untouched) and resumes by scaling them back to the tier's replicas. A merge patch of
    /// spec.replicas: a later helm upgrade sets them from the values again. Serving also means no shared-tier edge route
    /// (NPM host) shadows the tenant's Ingress: after an upgrade from the free tier, that is the seed's "remove NPM
    /// routing" step of the route switch.
    /// </summary>
    public async Task<string> SetAccessAsync(Contracts.SetTenantAccess command, CancellationToken cancellationToken)
    {
        var ns = command.Namespace ?? new TenantNames(command.TenantId).DedicatedNamespace;
        // Never scale someone else's workloads: the namespace must carry this tenant's label.
        var owned = await namespaces.ReadAsync(ns, cancellationToken);
        if (owned is null || !TenantNamespaces.BelongsTo(owned, command.TenantId))
        {
            throw new InvalidOperationException(owned is null ? $"namespace {ns} does not exist" : $"namespace {ns} is not labelled for tenant {command.TenantId}");
        }
        var limits = DedicatedTenantPlan.LimitsFor(command.SubscriptionTier, provisioning.Value);
        var replicas = new[] { (HelmValues.ApiName, command.Suspended ? 0 : limits.ApiReplicas), (HelmValues.WebName, command.Suspended ? 0 : limits.WebReplicas) };
        foreach (var (deployment, count) in replicas)
        {
            var patch = new V1Patch(new V1Deployment { Spec = new V1DeploymentSpec { Replicas = count } }, V1Patch.PatchType.MergePatch);
            await client.AppsV1.PatchNamespacedDeploymentAsync(patch, deployment, ns, fieldValidation: Strict, cancellationToken: cancellationToken);
        }
        if (command.Suspended)
        {
            return $"deployments {HelmValues.ApiName} and {HelmValues.WebName} in {ns} scaled to 0: the ingress answers 503; database untouched";
        }
        var edgeRoute = await TransientRetry.RunAsync(() => edge.RouteExistsAsync(command.TenantId, cancellationToken), cancellationToken);
        if (edgeRoute)
        {
            await TransientRetry.RunAsync(() => edge.RemoveRouteAsync(command.TenantId, cancellationToken), cancellationToken);
        }
        return $"deployments {HelmValues.ApiName} ({limits.ApiReplicas}) and {HelmValues.WebName} ({limits.WebReplicas}) in {ns} serving" +
            (edgeRoute ? "; the shared tier's edge route removed, the tenant's Ingress serves its hosts" : "");
    }

    /// <summary>
    /// The tenant's CloudNativePG cluster through its read-write service (postgres-rw: always the primary): the
    /// cluster's superuser (CloudNativePG's postgres-superuser secret) for the read-only window's DDL, the database
    /// owner from the chart's postgres-app secret (the tenant's own login) for its rows.
    /// </summary>
    public async Task<TenantDatabaseAccess> OpenDatabaseAsync(string tenantId, string? ns, CancellationToken cancellationToken)
    {
        var names = new TenantNames(tenantId);
        ns ??= names.DedicatedNamespace;
        var owned = await namespaces.ReadAsync(ns, cancellationToken);
        if (owned is null || !TenantNamespaces.BelongsTo(owned, tenantId))
        {
            throw new InvalidOperationException(owned is null ? $"namespace {ns} does not exist" : $"namespace {ns} is not labelled for tenant {tenantId}");
        }
        var host = Kube.DatabaseHostOf($"{HelmValues.PostgresClusterName}-rw", ns);
        var owner = await LoginAsync(ns, HelmValues.PostgresAppSecret, host, cancellationToken);
        var superuser = await LoginAsync(ns, HelmValues.PostgresSuperuserSecret, host, cancellationToken);
        return new TenantDatabaseAccess(superuser.ConnectionString, names.Schema, owner.Username, $"CloudNativePG service {host}",
            (_, _) => Task.FromResult(TenantSession.WithOwnLogin(owner.ConnectionString, names.Schema)));
    }

    /// <summary>
    /// The shop schema version the release's API migrated the cluster to (it runs the shop's migrations at its start,
    /// so by its readiness they are done), read from the journal with the owner's login, the way a rollout reaches the
    /// cluster. Null when it cannot be read (the record then gets its version from the first rollout).
    /// </summary>
    async Task<int?> SchemaVersionAsync(string tenantId, string ns, CancellationToken cancellationToken)
    {
        // A signup does not wait long for a figure it can do without.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await using var database = await OpenDatabaseAsync(tenantId, ns, limit.Token);
            var version = await database.ReadShopVersionAsync(migrator, limit.Token);
            return version > 0 ? version : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Schema version of {TenantId} not read after its signup: {Error}", tenantId, ex.Message);
            return null;
        }
    }

    async Task<(string Username, string ConnectionString)> LoginAsync(string ns, string secretName, string host, CancellationToken cancellationToken)
    {
        var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, ns, cancellationToken: cancellationToken);
        string Field(string key) => secret.Data is { } data && data.TryGetValue(key, out var value)
            ? System.Text.Encoding.UTF8.GetString(value)
            : throw new InvalidOperationException($"secret {secretName} in {ns} has no '{key}'");
        var username = Field("username");
        return (username, new NpgsqlConnectionStringBuilder
        {
            Host = host, Port = Kube.DatabasePort, Database = HelmValues.PostgresDatabase, Username = username, Password = Field("password"),
            SslMode = SslMode.Prefer, Pooling = false,
        }.ConnectionString);
    }

    /// <summary>The route of a Kubernetes tenant is its Ingress, which goes with the namespace; <paramref name="keepRoute"/> changes nothing here.</summary>
    public async Task<bool> RemoveAsync(string tenantId, bool keepRoute, Func<ProvisioningProgress, Task> onProgress, CancellationToken cancellationToken)
    {
        var names = new Tenancy.TenantNames(tenantId);
        var ns = names.DedicatedNamespace;
        var existing = await namespaces.ReadAsync(ns, cancellationToken);
        if (existing is not null && !TenantNamespaces.BelongsTo(existing, names.TenantId))
        {
            // Same name, someone else's namespace (refused at CreateNamespace): nothing of this tenant is in it.
            await onProgress(steps.Progress(Deprovision, ProvisioningProgress.Completed, $"namespace {ns} is not this tenant's; left alone"));
            return true;
        }
        if (existing is not null)
        {
            await helm.UninstallAsync(names.HelmRelease, ns, cancellationToken);
        }
        var gone = await namespaces.DeleteAsync(ns, cancellationToken);
        await onProgress(steps.Progress(Deprovision, gone ? ProvisioningProgress.Completed : ProvisioningProgress.Failed,
            gone ? $"release {names.HelmRelease} uninstalled, namespace {ns} deleted" : $"namespace {ns} still present after {Kube.NamespaceDeleteTimeoutSeconds} s"));
        return gone;
    }
}
