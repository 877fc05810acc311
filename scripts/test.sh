#!/usr/bin/env bash
# The README's "test": installs what is missing, starts a PostgreSQL, RabbitMQ and nginx of the tests' own (separate
# ports and ./var/test, so a running "up" is untouched), builds, and runs every test: unit, integration against
# those real servers, and end to end with the four services as separate processes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export MB_VAR=${MB_TEST_VAR:-$root/var/test} MB_PG_PORT=55433 MB_AMQP_PORT=5673 MB_RABBIT_UI_PORT=15673 MB_NGINX_PORT=8481 MB_RABBIT_NODE=mechanicbuddy-test MB_TEST_SUPERUSER=1
"$here/infra.sh" start
"$here/build.sh"
log=$MB_VAR/log/dotnet-test.log
mkdir -p "$(dirname "$log")"
status=0
dotnet test "$root/MechanicBuddy.sln" -c Release --no-build -nologo --tl:off --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
# One closing line over all test projects.
passed=$(awk '/^ +Passed: [0-9]+/ {s+=$2} END {print s+0}' "$log")
failed=$(awk '/^ +Failed: [0-9]+/ {s+=$2} END {print s+0}' "$log")
echo "$passed passed, $failed failed"
exit $status
