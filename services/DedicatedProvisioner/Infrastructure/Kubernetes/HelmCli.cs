using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

public sealed class HelmException(string message) : Exception(message);

/// <summary>A release as `helm status -o json` reports it.</summary>
public sealed record HelmReleaseStatus(string Status, int Revision);

/// <summary>
/// The Helm 3 CLI. `upgrade --install` installs or converges; it does not --wait or --atomic, because the seed wants the
/// API/Web readiness timeouts to be warnings, not rollbacks, and --wait ignores the CloudNativePG cluster anyway. A
/// release left pending-* by a killed helm is recovered first (uninstall a pending first install, roll back a pending
/// upgrade or rollback), so a retry is never wedged on "another operation is in progress".
/// </summary>
public sealed class HelmCli(IOptions<KubernetesOptions> options, ILogger<HelmCli> logger)
{
    KubernetesOptions Kube => options.Value;

    public async Task<HelmReleaseStatus?> StatusAsync(string release, string @namespace, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["status", release, "-n", @namespace, "-o", "json"], cancellationToken);
        if (!result.Succeeded)
        {
            if (result.Output.Contains("not found", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            throw new HelmException($"helm status exited {result.ExitCode}: {result.Output}");
        }
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        var status = root.GetProperty("info").GetProperty("status").GetString() ?? "unknown";
        var revision = root.TryGetProperty("version", out var version) ? version.GetInt32() : 0;
        return new HelmReleaseStatus(status, revision);
    }

    /// <summary>Brings a release stuck in pending-* back to a state helm will operate on. Returns what it did, or null.</summary>
    public async Task<string?> RecoverAsync(string release, string @namespace, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(release, @namespace, cancellationToken);
        switch (status?.Status)
        {
            case "pending-install" when status.Revision <= 1:
                logger.LogWarning("Release {Release} was left pending-install; uninstalling it before installing again", release);
                await UninstallAsync(release, @namespace, cancellationToken);
                return $"release {release} was pending-install (revision {status.Revision}): uninstalled";
            case "pending-install" or "pending-upgrade" or "pending-rollback":
                logger.LogWarning("Release {Release} was left {Status}; rolling back", release, status.Status);
                var rollback = await RunAsync(["rollback", release, "-n", @namespace, "--wait", "--timeout", Kube.HelmTimeout], cancellationToken);
                if (!rollback.Succeeded)
                {
                    throw new HelmException($"helm rollback exited {rollback.ExitCode}: {rollback.Output}");
                }
                return $"release {release} was {status.Status} (revision {status.Revision}): rolled back";
            default:
                return null;
        }
    }

    public Task<string> UpgradeInstallAsync(string release, string @namespace, string valuesYaml, CancellationToken cancellationToken) =>
        UpgradeAsync(["upgrade", "--install", release], @namespace, valuesYaml, [], cancellationToken);

    /// <summary>
    /// A resize: `upgrade` (no --install: a release that is gone is an error, not a fresh install) with
    /// --reset-then-reuse-values (helm 3.14+): the chart's current defaults, then the release's own values (identity,
    /// domains, admin hash), then these values on top (what the tier decides).
    /// </summary>
    public Task<string> UpgradeKeepingValuesAsync(string release, string @namespace, string valuesYaml, CancellationToken cancellationToken) =>
        UpgradeAsync(["upgrade", release], @namespace, valuesYaml, ["--reset-then-reuse-values"], cancellationToken);

    async Task<string> UpgradeAsync(string[] command, string @namespace, string valuesYaml, string[] options, CancellationToken cancellationToken)
    {
        var release = command[^1];
        var valuesFile = Path.Combine(Path.GetTempPath(), $"mechanicbuddy-{release}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(valuesFile, "", cancellationToken);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("secret files rely on Unix file modes");
        }
        File.SetUnixFileMode(valuesFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(valuesFile, valuesYaml, cancellationToken);
        try
        {
            var result = await RunAsync(
                [.. command, Path.GetFullPath(Kube.ChartPath), "-n", @namespace, "-f", valuesFile, "--timeout", Kube.HelmTimeout, "--history-max", "10", .. options],
                cancellationToken);
            if (!result.Succeeded)
            {
                throw new HelmException($"helm {string.Join(' ', command[..^1])} exited {result.ExitCode}: {result.Output}");
            }
            return result.StandardOutput.Trim();
        }
        finally
        {
            File.Delete(valuesFile);
        }
    }

    /// <summary>Uninstalls and waits for the release's resources to go. A missing release is not an error.</summary>
    public async Task UninstallAsync(string release, string @namespace, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["uninstall", release, "-n", @namespace, "--wait", "--timeout", Kube.HelmTimeout], cancellationToken);
        if (!result.Succeeded && !result.Output.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            throw new HelmException($"helm uninstall exited {result.ExitCode}: {result.Output}");
        }
    }

    Task<CommandResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        List<string> all = [.. arguments];
        if (!string.IsNullOrWhiteSpace(Kube.KubeConfigPath))
        {
            all.AddRange(["--kubeconfig", Kube.KubeConfigPath]);
        }
        if (!string.IsNullOrWhiteSpace(Kube.Context))
        {
            all.AddRange(["--kube-context", Kube.Context]);
        }
        if (!string.IsNullOrWhiteSpace(Kube.Host) && string.IsNullOrWhiteSpace(Kube.KubeConfigPath) && !Kube.InCluster)
        {
            all.AddRange(["--kube-apiserver", Kube.Host]);
        }
        return CommandLine.RunAsync(Kube.HelmPath, all, cancellationToken);
    }
}
