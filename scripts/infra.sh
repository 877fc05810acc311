#!/usr/bin/env bash
# Starts or stops MechanicBuddy's own PostgreSQL 15, RabbitMQ and nginx instances: own data directories under
# $MB_VAR (default ./var) and own ports, so nothing depends on the distribution's services.
#   scripts/infra.sh start | stop | restart-rabbitmq | restart-postgres | prepare-pool DATABASE
# Logs: $MB_VAR/log (PostgreSQL: $MB_VAR/pg/postgres.log, owned by its OS user).
# Ports: PostgreSQL $MB_PG_PORT (55432), RabbitMQ $MB_AMQP_PORT (5672) with its UI on $MB_RABBIT_UI_PORT (15672),
# nginx (tenant routes) on $MB_NGINX_PORT (8480).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
VAR=${MB_VAR:-$root/var}
PG_PORT=${MB_PG_PORT:-55432}
AMQP_PORT=${MB_AMQP_PORT:-5672}
RABBIT_UI_PORT=${MB_RABBIT_UI_PORT:-15672}
NGINX_PORT=${MB_NGINX_PORT:-8480}
PGBIN=/usr/lib/postgresql/15/bin
RMQ=/usr/lib/rabbitmq/bin
# shellcheck source=scripts/machine-secrets.sh
. "$here/machine-secrets.sh"
# Password of the control plane's PostgreSQL role: this machine's own (local instances only listen on 127.0.0.1).
MB_DB_PASSWORD=${MB_DB_PASSWORD:-$(machine_secret db-password)}

mkdir -p "$VAR/log"

as_postgres() { runuser -u postgres -- "$@"; }
psql_super() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$VAR/pg/run" -p "$PG_PORT" -U postgres "$@"; }

start_postgres() {
  local data=$VAR/pg/data
  mkdir -p "$VAR/pg/run"
  chown postgres:postgres "$VAR/pg" "$VAR/pg/run"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_postgres mkdir -p "$data"
    # Local socket: peer (only the postgres OS user is superuser); TCP: passwords only.
    as_postgres "$PGBIN/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$VAR/log/initdb.log"
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$VAR/pg/run'
max_connections = 300
shared_buffers = 256MB
password_encryption = 'scram-sha-256'
CONF
  fi
  if ! as_postgres "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_postgres "$PGBIN/pg_ctl" -D "$data" -l "$VAR/pg/postgres.log" -w -t 60 start >/dev/null
  fi
  # The control plane's role owns the registry and shared-pool databases and may create databases; it is no superuser
  # and has no CREATEROLE (tenant roles are made through each pool's mechanicbuddy_control functions), and it is a
  # member of no tenant role (an older install's memberships are taken back here).
  psql_super -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mechanicbuddy') THEN
    CREATE ROLE mechanicbuddy LOGIN;
  END IF;
END \$\$;
ALTER ROLE mechanicbuddy LOGIN CREATEDB NOCREATEROLE NOSUPERUSER PASSWORD '$MB_DB_PASSWORD';
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
           WHERE u.rolname = 'mechanicbuddy' AND g.rolname LIKE 'tenant\_%' LOOP
    EXECUTE format('REVOKE %I FROM mechanicbuddy', r.rolname);
  END LOOP;
END \$\$;
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
SELECT 'CREATE DATABASE mechanicbuddy_registry OWNER mechanicbuddy' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'mechanicbuddy_registry') \gexec
-- Tenant roles may reach their own pool database and nothing else.
REVOKE CONNECT, TEMPORARY ON DATABASE template1, mechanicbuddy_registry FROM PUBLIC;
SQL
  if [ "${MB_TEST_SUPERUSER:-}" = 1 ]; then
    # Test clusters only: the tests play the DBA (prepare pool databases) and the attacker's setup with this login.
    psql_super -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS mechanicbuddy_test_admin" -c "CREATE ROLE mechanicbuddy_test_admin LOGIN SUPERUSER PASSWORD '$(machine_secret test-superuser-password)'"
  fi
  prepare_pool mechanicbuddy_shared
}

# A shared pool database, made if missing and prepared by the superuser (see pool-database.sql). Safe to repeat.
prepare_pool() {
  psql_super -d postgres >/dev/null <<SQL
SELECT 'CREATE DATABASE "$1" OWNER mechanicbuddy' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$1') \gexec
SQL
  "$here/pool-sql.sh" | psql_super -d "$1" >/dev/null
}

start_rabbitmq() {
  local base=$VAR/rabbitmq
  mkdir -p "$base"
  # Erlang writes crash dumps to the current directory by default: keep them with the logs, out of the checkout.
  export ERL_CRASH_DUMP=$VAR/log/erl_crash.dump
  export HOME=$base RABBITMQ_NODENAME=${MB_RABBIT_NODE:-mechanicbuddy}@localhost RABBITMQ_MNESIA_BASE=$base/mnesia RABBITMQ_LOG_BASE=$VAR/log/rabbitmq \
    RABBITMQ_ENABLED_PLUGINS_FILE=$base/enabled_plugins RABBITMQ_CONFIG_FILE=$base/rabbitmq RABBITMQ_NODE_PORT=$AMQP_PORT \
    RABBITMQ_DIST_PORT=$((AMQP_PORT + 20000)) RABBITMQ_PID_FILE=$base/rabbitmq.pid
  cat >"$base/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.port = $RABBIT_UI_PORT
management.tcp.ip = 127.0.0.1
log.file.level = warning
CONF
  if "$RMQ/rabbitmqctl" -q status >/dev/null 2>&1; then configure_broker_users /; return; fi
  # Ops move messages from *_error back to their queue with the shovel from the queue page of the UI.
  "$RMQ/rabbitmq-plugins" -q enable --offline rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management >/dev/null
  "$RMQ/rabbitmq-server" -detached >/dev/null 2>&1 || true
  "$RMQ/rabbitmqctl" -q wait --timeout 90 "$RABBITMQ_PID_FILE" >/dev/null
  "$RMQ/rabbitmqctl" -q await_startup --timeout 90 >/dev/null
  configure_broker_users /
}

# One user per service with the permissions of scripts/broker-users.tsv (expanded by broker-permissions.sh) in virtual host $1, an administrator for ops
# (management UI, the tests' broker setup), and no guest. Passwords are this machine's (machine_secret broker-USER).
configure_broker_users() {
  local vhost=$1 users service user configure write read
  users=$("$RMQ/rabbitmqctl" -q list_users --no-table-headers 2>/dev/null | awk '{print $1}')
  # The password goes in on standard input, never on a command line another local user could read (ps).
  ensure_user() {
    if grep -qx "$1" <<<"$users"; then "$RMQ/rabbitmqctl" -q change_password "$1" <<<"$(machine_secret "broker-$1")" >/dev/null
    else "$RMQ/rabbitmqctl" -q add_user "$1" <<<"$(machine_secret "broker-$1")" >/dev/null; fi
  }
  ensure_user mb-admin
  "$RMQ/rabbitmqctl" -q set_user_tags mb-admin administrator >/dev/null
  "$RMQ/rabbitmqctl" -q set_permissions -p "$vhost" mb-admin '.*' '.*' '.*' >/dev/null
  while IFS=$'\t' read -r service user configure write read; do
    ensure_user "$user"
    "$RMQ/rabbitmqctl" -q set_permissions -p "$vhost" "$user" "$configure" "$write" "$read" >/dev/null </dev/null
  done < <("$here/broker-permissions.sh")
  if grep -qx guest <<<"$users"; then "$RMQ/rabbitmqctl" -q delete_user guest >/dev/null; fi
}

start_nginx() {
  local base=$VAR/nginx
  mkdir -p "$base/routes" "$base/tmp" "$base/logs"
  chmod 0777 "$base/tmp"
  cat >"$base/nginx.conf" <<CONF
# MechanicBuddy local edge. The route files (routes/bucket-NN.map, 64 of them, written by MechanicBuddy provisioning)
# hold a line per host name: HOST "TENANT STATE API WEB". One server block serves them all, so a reload hashes a
# line per host instead of parsing a server block per tenant, and its cost stays flat as the fleet grows.
worker_processes 1;
# After a reload, old workers finish their requests and then go: a removed route stops serving within this bound.
worker_shutdown_timeout 10s;
pid $base/nginx.pid;
error_log $VAR/log/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $VAR/log/nginx-access.log;
  client_body_temp_path $base/tmp/body;
  proxy_temp_path $base/tmp/proxy;
  fastcgi_temp_path $base/tmp/fastcgi;
  uwsgi_temp_path $base/tmp/uwsgi;
  scgi_temp_path $base/tmp/scgi;
  map_hash_bucket_size 128;
  map_hash_max_size 262144;
  # A host not listed maps to "": it reaches no shop.
  map \$host \$mb_route {
    default "";
    include $base/routes/bucket-*.map;
  }
  map \$mb_route \$mb_tenant { default ""; "~^(?<mb_t>[a-z0-9-]+) " \$mb_t; }
  map \$mb_route \$mb_state { default ""; "~^[^ ]+ (?<mb_s>active|suspended) " \$mb_s; }
  map \$mb_route \$mb_api { default ""; "~^[^ ]+ [^ ]+ (?<mb_a>[^ ]+) " \$mb_a; }
  map \$mb_route \$mb_web { default ""; "~^[^ ]+ [^ ]+ [^ ]+ (?<mb_w>[^ ]+)\$" \$mb_w; }
  map \$mb_state \$mb_probe_mark { default ""; suspended " suspended"; }
  server {
    listen 127.0.0.1:$NGINX_PORT default_server;
    server_name _;
    # Unknown hosts get nothing: a host reaches a shop only through its own line in routes/.
    if (\$mb_tenant = "") { return 404; }
    # Answered by nginx itself, so provisioning can see a route (and its state) is live without the shop's backend.
    location = /.well-known/mechanicbuddy/route {
      default_type text/plain;
      return 200 "\$mb_tenant\$mb_probe_mark";
    }
    # A suspended shop: nothing reaches it; its data stays where it is, untouched, until it is resumed.
    location = /.mechanicbuddy/suspended {
      internal;
      default_type application/problem+json;
      add_header Retry-After 3600 always;
      return 503 '{"title":"This workshop is suspended","status":503}';
    }
    # Every location that proxies inherits these. proxy_set_header replaces whatever X-Tenant-ID the client sent:
    # the backend trusts this header from the edge only.
    proxy_set_header Host \$host;
    proxy_set_header X-Tenant-ID \$mb_tenant;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_set_header X-Forwarded-Host \$host;
    location /api/ {
      if (\$mb_state != active) { rewrite ^ /.mechanicbuddy/suspended last; }
      proxy_pass \$mb_api;
      # A proxy_pass from a variable rewrites no Location header by itself: the upstream's address stays inside.
      proxy_redirect \$mb_api/ /;
    }
    location / {
      if (\$mb_state != active) { rewrite ^ /.mechanicbuddy/suspended last; }
      proxy_pass \$mb_web;
      proxy_redirect \$mb_web/ /;
    }
  }
}
CONF
  if [ -f "$base/nginx.pid" ] && kill -0 "$(cat "$base/nginx.pid")" 2>/dev/null; then
    nginx -p "$base" -c "$base/nginx.conf" -s reload 2>>"$VAR/log/nginx-error.log"
  else
    nginx -p "$base" -c "$base/nginx.conf" 2>>"$VAR/log/nginx-error.log"
  fi
}

stop_rabbitmq() {
  local base=$VAR/rabbitmq
  [ -d "$base" ] || return 0
  local ctl=(env ERL_CRASH_DUMP="$VAR/log/erl_crash.dump" HOME="$base" RABBITMQ_NODENAME="${MB_RABBIT_NODE:-mechanicbuddy}@localhost" "$RMQ/rabbitmqctl")
  # Only a node that answers is stopped: a stale pid file (its pid maybe reused) must not be waited on.
  if timeout 30 "${ctl[@]}" -q status >/dev/null 2>&1; then
    # With the pid file, stop returns only once the node's process is gone.
    timeout 120 "${ctl[@]}" -q stop "$base/rabbitmq.pid" >/dev/null 2>&1 || true
  fi
}

stop_all() {
  if [ -f "$VAR/nginx/nginx.pid" ]; then nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -s quit 2>/dev/null || true; fi
  stop_rabbitmq
  if [ -f "$VAR/pg/data/PG_VERSION" ]; then as_postgres "$PGBIN/pg_ctl" -D "$VAR/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
  # Dedicated tenants' own instances (single-host platform); the DedicatedProvisioner starts them again when it starts.
  for data in "$VAR"/tenants/tenant-*/data; do
    if [ -f "$data/postmaster.pid" ]; then as_postgres "$PGBIN/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; fi
  done
}

case "${1:-start}" in
  start)
    "$here/install-deps.sh"
    start_postgres
    start_rabbitmq
    start_nginx
    echo "infra up: postgres 127.0.0.1:$PG_PORT, rabbitmq 127.0.0.1:$AMQP_PORT (UI http://127.0.0.1:$RABBIT_UI_PORT), nginx 127.0.0.1:$NGINX_PORT"
    ;;
  stop) stop_all ;;
  # Game days and the crash-safety tests: the broker or the database goes away under load and comes back.
  restart-rabbitmq) stop_rabbitmq; start_rabbitmq ;;
  prepare-pool) [ -n "${2:-}" ] || { echo "usage: $0 prepare-pool DATABASE" >&2; exit 2; }; prepare_pool "$2" ;;
  restart-postgres) as_postgres "$PGBIN/pg_ctl" -D "$VAR/pg/data" -l "$VAR/pg/postgres.log" -m fast -w -t 60 restart >/dev/null ;;
  *) echo "usage: $0 start|stop|restart-rabbitmq|restart-postgres|prepare-pool DATABASE" >&2; exit 2 ;;
esac
