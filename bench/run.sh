#!/usr/bin/env bash
# Runs the provisioning benchmark against a control plane of its own: fresh PostgreSQL, RabbitMQ and nginx under
# ./var/bench on their own ports, the four services in Release, then the bench program.
#   bench/run.sh [--tenants=100] [--concurrency=4] [--rounds=5] [--warmup=N]   free tier vs direct SQL
#   bench/run.sh --mode=dedicated [--tenants=10] [--concurrency=1]     dedicated tenants on the single-host platform
#   bench/run.sh --mode=copy [--rows=100000] [--rounds=3]              tier-change data move: copy and verify, per 10,000 rows
#   bench/run.sh --mode=tier [--rows=100000] [--rounds=2]              whole tier changes (free → professional → free), per phase
#   bench/run.sh --mode=fleet [--tenants=1000] [--instances=20] [--pool-count=4] [--per-server=4] [--baseline=200]   a schema rollout
#   bench/run.sh --mode=scale [--tenants=10000] [--concurrency=8] [--block=1000] [--per-pool=500]   signups onto pools that grow
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export MB_VAR=$root/var/bench MB_PG_PORT=55434 MB_AMQP_PORT=5674 MB_RABBIT_UI_PORT=15674 MB_NGINX_PORT=8482 MB_RABBIT_NODE=mechanicbuddy-bench \
  MB_GATEWAY_PORT=5200 MB_REGISTRY_PORT=5202 MB_SHARED_PORT=5203 MB_DEDICATED_PORT=5204 MB_TENANT_FIRST_PORT=28000 MB_TENANT_LAST_PORT=28999 \
  Provisioning__FreeTier__MaxTenantsPerInstance=100000 Provisioning__TierChange__GracePeriodSeconds=3 \
  Provisioning__FreeTier__AllowConnectionOversubscription=true \
  Gateway__Limits__SignupsPerMinutePerClient=1000000
# The benchmark is one client signing up far more shops a minute than the per-client limit (30) lets an operator.
"$root/scripts/services.sh" stop 2>/dev/null || true
"$root/scripts/infra.sh" stop 2>/dev/null || true
rm -rf "$MB_VAR"
scale=$(printf '%s\n' "$@" | grep -qx -- '--mode=scale' && echo 1 || true)
# --mode=scale: the registry creates pool databases itself, as a superuser login of the server lets it.
if [ -n "$scale" ]; then export MB_TEST_SUPERUSER=1; fi
"$root/scripts/infra.sh" start
if [ -n "$scale" ]; then
  per_pool=$(printf '%s\n' "$@" | sed -n 's/^--per-pool=//p' | tail -1)
  export Provisioning__FreeTier__MaxTenantsPerInstance=${per_pool:-500} Provisioning__FreeTier__Servers__0__Name=bench Provisioning__FreeTier__Servers__0__MaxPools=100 \
    "Provisioning__FreeTier__Servers__0__PostgresConnectionString=Host=127.0.0.1;Port=55434;Database=mechanicbuddy_registry;Username=mechanicbuddy;Password=$(cat "$MB_VAR/secrets.d/db-password")" \
    "Provisioning__FreeTier__Servers__0__AdminConnectionString=Host=127.0.0.1;Port=55434;Database=postgres;Username=mechanicbuddy_test_admin;Password=$(cat "$MB_VAR/secrets.d/test-superuser-password")"
fi
# The direct baseline's pool, prepared like every pool database (by the superuser, see pool-database.sql).
direct_database=bench_direct_$(date +%H%M%S)
"$root/scripts/infra.sh" prepare-pool "$direct_database"
# --mode=fleet: the shared tier as several pools (databases), each filled in turn, so a rollout runs on several servers.
extra=()
if printf '%s\n' "$@" | grep -qx -- '--mode=fleet'; then
  tenants=$(printf '%s\n' "$@" | sed -n 's/^--tenants=//p' | tail -1); tenants=${tenants:-1000}
  pool_count=$(printf '%s\n' "$@" | sed -n 's/^--pool-count=//p' | tail -1); pool_count=${pool_count:-4}
  pools=""
  for i in $(seq 0 $((pool_count - 1))); do
    "$root/scripts/infra.sh" prepare-pool "bench_pool_$i"
    export "Provisioning__FreeTier__Pools__${i}__Name=pool-$i" "Provisioning__FreeTier__Pools__${i}__MaxTenantsPerInstance=$(( (tenants + pool_count - 1) / pool_count ))" \
      "Provisioning__FreeTier__Pools__${i}__PostgresConnectionString=Host=127.0.0.1;Port=55434;Database=bench_pool_$i;Username=mechanicbuddy;Password=$(cat "$MB_VAR/secrets.d/db-password")"
    pools="${pools:+$pools,}pool-$i:bench_pool_$i"
  done
  extra=(--pools="$pools" --var="$MB_VAR")
fi
"$root/scripts/build.sh"
"$root/scripts/services.sh" start
trap '"$root/scripts/services.sh" stop; "$root/scripts/infra.sh" stop' EXIT
token=$("$root/scripts/services.sh" token bench 1)
dotnet "$root/bench/MechanicBuddy.Bench/bin/Release/net10.0/MechanicBuddy.Bench.dll" --gateway=http://127.0.0.1:5200 --token="$token" \
  --server="Host=127.0.0.1;Port=55434;Username=mechanicbuddy;Password=$(cat "$MB_VAR/secrets.d/db-password")" --direct-database="$direct_database" "${extra[@]}" "$@"
