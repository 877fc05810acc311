#!/usr/bin/env bash
# Builds the solution in Release and stops the calling script when the build fails, so nothing ever starts (or
# benchmarks) the binaries of an earlier build. Prints the errors and warnings only; the whole log is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=${MB_VAR:-$root/var}/log/build.log
mkdir -p "$(dirname "$log")"
echo "building (Release)…"
if ! dotnet build "$root/MechanicBuddy.sln" -c Release -v q -nologo --tl:off >"$log" 2>&1; then
  grep -E " error | warning " "$log" | sort -u >&2 || tail -40 "$log" >&2
  echo "build failed (whole log: $log)" >&2
  exit 1
fi
grep -E "Warn|Elapsed" "$log" || true
