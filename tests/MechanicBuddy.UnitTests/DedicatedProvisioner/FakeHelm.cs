namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// A stand-in `helm` executable (a shell script in its own directory). It checks what the real CLI would refuse or what
/// we promise about it: a known subcommand, release and namespace given, the chart a directory with Chart.yaml, the
/// values file present and readable by its owner only. It logs each call, keeps a copy of every values file, and
/// answers `status` from status.json (absent: "release: not found"). Files named fail-upgrade / fail-uninstall make
/// those commands fail with their content as helm's output.
/// </summary>
public sealed class FakeHelm : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fake-helm-" + Guid.NewGuid().ToString("N")[..8]);
    public string Executable => Path.Combine(Directory, "helm");

    public FakeHelm()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Executable, $$"""
            #!/usr/bin/env bash
            dir='{{Directory}}'
            printf '%s\n' "$*" >> "$dir/calls.log"
            fail() { echo "fake helm: $*" >&2; exit 2; }
            has() { local want=$1; shift; for a in "$@"; do [ "$a" = "$want" ] && return 0; done; return 1; }
            arg_after() { local want=$1; shift; while [ $# -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
            ns=$(arg_after -n "$@")
            case "$1" in
              status)
                [ -n "$2" ] && [ -n "$ns" ] || fail "status needs a release and -n"
                if [ -f "$dir/status.json" ]; then cat "$dir/status.json"; exit 0; fi
                echo "Error: release: not found" >&2; exit 1 ;;
              upgrade)
                if has --install "$@"; then
                  [ "$2" = "--install" ] || fail "expected: upgrade --install RELEASE CHART"
                  release=$3 chart=$4
                else
                  release=$2 chart=$3
                  if [ ! -f "$dir/status.json" ]; then echo "Error: UPGRADE FAILED: \"$release\" has no deployed releases" >&2; exit 1; fi
                fi
                [ ${#release} -le 53 ] || fail "release name longer than 53"
                [ -f "$chart/Chart.yaml" ] || fail "chart $chart has no Chart.yaml"
                values=$(arg_after -f "$@")
                [ -n "$values" ] && [ -r "$values" ] || fail "no readable values file"
                [ "$(stat -c %a "$values")" = "600" ] || fail "values file mode is $(stat -c %a "$values"), not 600"
                [ -n "$ns" ] || fail "no namespace"
                n=$(ls "$dir" | grep -c '^values-' || true)
                cp "$values" "$dir/values-$n.yaml"
                if [ -f "$dir/fail-upgrade" ]; then cat "$dir/fail-upgrade" >&2; exit 1; fi
                if [ -f "$dir/fail-upgrade-once" ]; then cat "$dir/fail-upgrade-once" >&2; rm -f "$dir/fail-upgrade-once"; exit 1; fi
                printf '{"info":{"status":"deployed"},"version":1}' > "$dir/status.json"
                echo "Release \"$release\" has been upgraded. Happy Helming!"
                echo "NAMESPACE: $ns" ;;
              uninstall)
                [ -n "$2" ] && [ -n "$ns" ] || fail "uninstall needs a release and -n"
                if [ -f "$dir/fail-uninstall" ]; then cat "$dir/fail-uninstall" >&2; exit 1; fi
                if [ ! -f "$dir/status.json" ]; then echo "Error: uninstall: Release not loaded: $2: release: not found" >&2; exit 1; fi
                rm -f "$dir/status.json"; echo "release \"$2\" uninstalled" ;;
              rollback)
                [ -n "$2" ] && [ -n "$ns" ] || fail "rollback needs a release and -n"
                printf '{"info":{"status":"deployed"},"version":3}' > "$dir/status.json"
                echo "Rollback was a success! Happy Helming!" ;;
              *) fail "unknown command $1" ;;
            esac
            """.ReplaceLineEndings("\n"));
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the fake helm is a shell script");
        }
        File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public IReadOnlyList<string> Calls => File.Exists(Path.Combine(Directory, "calls.log")) ? File.ReadAllLines(Path.Combine(Directory, "calls.log")) : [];

    public string? LastValues => AllValues.LastOrDefault();

    public void SetStatus(string status, int revision) =>
        File.WriteAllText(Path.Combine(Directory, "status.json"), $$"""{"name":"r","info":{"status":"{{status}}"},"version":{{revision}}}""");

    public void FailUpgrade(string output) => File.WriteAllText(Path.Combine(Directory, "fail-upgrade"), output);

    /// <summary>The next upgrade fails with this output; the one after it succeeds.</summary>
    public void FailNextUpgrade(string output) => File.WriteAllText(Path.Combine(Directory, "fail-upgrade-once"), output);

    /// <summary>Every values file helm was given, oldest first.</summary>
    public IReadOnlyList<string> AllValues => System.IO.Directory.GetFiles(Directory, "values-*.yaml")
        .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)["values-".Length..], System.Globalization.CultureInfo.InvariantCulture)).Select(File.ReadAllText).ToList();

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
