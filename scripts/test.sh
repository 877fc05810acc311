#!/usr/bin/env bash
# The README's "test": installs what is missing, starts a PostgreSQL, RabbitMQ and nginx of the tests' own (separate
# ports and ./var/test, so a running "up" is untouched), builds, and runs every test: unit, integration against
# those real servers, and end to end with the four services as separate processes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export MB_VAR=${MB_TEST_VAR:-$root/var/test} MB_PG_PORT=55433 MB_AMQP_PORT=5673 MB_RABBIT_UI_PORT=15673 MB_NGINX_PORT=8481 MB_RABBIT_NODE=mechanicbuddy-test
"$here/infra.sh" start
dotnet build "$root/MechanicBuddy.sln" -c Release -v q -nologo --tl:off
dotnet test "$root/MechanicBuddy.sln" -c Release --no-build -nologo --tl:off --logger "console;verbosity=normal" "$@"
