#!/usr/bin/env bash
# Starts and stops MechanicBuddy's four services as separate processes (built in Release), logs in $MB_VAR/log.
#   scripts/services.sh start | stop
# Configuration: each service's appsettings.json, overridden here by environment variables (the same keys,
# "__" for ":"), so paths are absolute and the Gateway's signing key is this machine's own.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
VAR=${MB_VAR:-$root/var}
CONFIGURATION=${MB_CONFIGURATION:-Release}
SERVICES=(TenantRegistry SharedTierProvisioner DedicatedProvisioner Gateway)
declare -A PORTS=([Gateway]=${MB_GATEWAY_PORT:-5100} [TenantRegistry]=${MB_REGISTRY_PORT:-5102} [SharedTierProvisioner]=${MB_SHARED_PORT:-5103} [DedicatedProvisioner]=${MB_DEDICATED_PORT:-5104})
mkdir -p "$VAR/log" "$VAR/run" "$VAR/secrets" "$VAR/dedicated-secrets"
# shellcheck source=scripts/machine-secrets.sh
. "$here/machine-secrets.sh"
signing_key() { machine_secret auth-signing-key; }
registry_key() { machine_secret registry-api-key; }
pg() { echo "Host=127.0.0.1;Port=${MB_PG_PORT:-55432};Database=$1;Username=mechanicbuddy;Password=$(machine_secret db-password)"; }

common_env() {
  export Routing__Nginx__Prefix=$VAR/nginx Routing__Nginx__ConfigFile=$VAR/nginx/nginx.conf Routing__Nginx__RoutesDirectory=$VAR/nginx/routes \
    Routing__Nginx__ListenPort=${MB_NGINX_PORT:-8480} Provisioning__PublicPort=${MB_NGINX_PORT:-8480} Secrets__Directory=$VAR/secrets Inbox__Directory=$VAR/inbox \
    Dedicated__SingleHost__InstancesDirectory=$VAR/tenants Dedicated__SingleHost__FirstPort=${MB_TENANT_FIRST_PORT:-26000} \
    Dedicated__SingleHost__LastPort=${MB_TENANT_LAST_PORT:-26999} \
    RabbitMq__Port=${MB_AMQP_PORT:-5672} Services__TenantRegistry__BaseUrl=http://127.0.0.1:${PORTS[TenantRegistry]} \
    Auth__SigningKey=$(signing_key) Registry__ApiKey=$(registry_key) Services__TenantRegistry__ApiKey=$(registry_key) \
    Inventory__ApiKey=$(registry_key) Services__SharedTierProvisioner__ApiKey=$(registry_key) Services__DedicatedProvisioner__ApiKey=$(registry_key) \
    Services__SharedTierProvisioner__BaseUrl=http://127.0.0.1:${PORTS[SharedTierProvisioner]} \
    Services__DedicatedProvisioner__BaseUrl=http://127.0.0.1:${PORTS[DedicatedProvisioner]} DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
  # This machine's database password (scripts/infra.sh made the role with it), unless the caller chose the databases.
  export ConnectionStrings__Registry=${ConnectionStrings__Registry:-$(pg mechanicbuddy_registry)} \
    Provisioning__FreeTier__PostgresConnectionString=${Provisioning__FreeTier__PostgresConnectionString:-$(pg mechanicbuddy_shared)}
}

dll_of() { echo "$root/services/$1/bin/$CONFIGURATION/net10.0/MechanicBuddy.$1.dll"; }

stop_service() {
  local pidfile=$VAR/run/$1.pid
  if [ -f "$pidfile" ]; then
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
  # A process of this instance that lost its pid file (crashed script) still holds the port; the instance tag keeps
  # other instances (tests, bench) of the same build out of reach.
  pkill -f -- "$(dll_of "$1") .*--mb-instance=$VAR\b" 2>/dev/null || true
}

start_service() {
  local name=$1 dll; dll=$(dll_of "$1")
  stop_service "$name"
  # exec: the background process is the service itself (its pid is the one recorded), and it holds no descriptor of
  # this script's output, so `scripts/up.sh | tee …` ends when up.sh does.
  # Each worker keeps its own secret store: retiring one side of a tier change deletes that side's secrets only.
  local secrets=$VAR/secrets
  [ "$name" = DedicatedProvisioner ] && secrets=$VAR/dedicated-secrets
  # Its own broker user (scripts/broker-users.tsv): only the registry may send the commands that change infrastructure.
  local broker_user; broker_user=$(awk -F'\t' -v s="$name" '$1 == s {print $2}' "$here/broker-users.tsv")
  (cd "$root" && RabbitMq__Username=$broker_user RabbitMq__Password=$(machine_secret "broker-$broker_user") Secrets__Directory=$secrets exec nohup dotnet "$dll" --contentRoot "$(dirname "$dll")" --urls "http://127.0.0.1:${PORTS[$name]}" --mb-instance="$VAR") \
    >>"$VAR/log/$name.log" 2>&1 </dev/null &
  echo $! > "$VAR/run/$name.pid"
}

wait_ready() {
  local name=$1 url="http://127.0.0.1:${PORTS[$1]}/health/ready"
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$url"; then return 0; fi
    if ! kill -0 "$(cat "$VAR/run/$name.pid")" 2>/dev/null; then
      echo "$name exited; last log lines:" >&2; tail -20 "$VAR/log/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "$name not ready after 60s; see $VAR/log/$name.log" >&2
  return 1
}

case "${1:-start}" in
  start)
    common_env
    # The registry migrates its database before anything consumes; the others may start beside it.
    start_service TenantRegistry
    wait_ready TenantRegistry
    for s in SharedTierProvisioner DedicatedProvisioner Gateway; do start_service "$s"; done
    for s in SharedTierProvisioner DedicatedProvisioner Gateway; do wait_ready "$s"; done
    ;;
  stop)
    for s in Gateway DedicatedProvisioner SharedTierProvisioner TenantRegistry; do stop_service "$s"; done
    ;;
  token)
    common_env
    export RabbitMq__Username=mb-gateway RabbitMq__Password=$(machine_secret broker-mb-gateway)
    (cd "$(dirname "$(dll_of Gateway)")" && dotnet "$(dll_of Gateway)" mint-token "${2:-operator}" "${3:-12}" "${4:-SuperAdmin}")
    ;;
  *) echo "usage: $0 start|stop|token [subject] [hours] [SuperAdmin|Viewer]" >&2; exit 2 ;;
esac
