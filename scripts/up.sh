#!/usr/bin/env bash
# The README's "up": installs what is missing, starts PostgreSQL, RabbitMQ, nginx and the four services, and says
# where everything is. Safe to run again (restarts the services on a fresh build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
VAR=${MB_VAR:-$root/var}
"$here/infra.sh" start
"$here/build.sh"
"$here/services.sh" start
token=$("$here/services.sh" token operator 12)
cat <<INFO

MechanicBuddy control plane is up.
  Gateway         http://127.0.0.1:${MB_GATEWAY_PORT:-5100}   (API docs: /scalar/v1, OpenAPI: /openapi/v1.json)
  Console         http://127.0.0.1:${MB_GATEWAY_PORT:-5100}/console/   (sign in with the token below)
  Command line    scripts/mb login --gateway http://127.0.0.1:${MB_GATEWAY_PORT:-5100} --token <the token below>
  RabbitMQ UI     http://127.0.0.1:${MB_RABBIT_UI_PORT:-15672}  (mb-admin / password in $VAR/secrets.d/broker-mb-admin)
  Tenant routes   http://{tenant-id}.mechanicbuddy.localhost:${MB_NGINX_PORT:-8480}
  Logs            $VAR/log/
  Operator token  (12 h; another: scripts/services.sh token [subject] [hours] [SuperAdmin|Viewer])
$token

Sign a shop up:
  curl -s -X POST http://127.0.0.1:${MB_GATEWAY_PORT:-5100}/api/provisioning/provision \\
    -H "Authorization: Bearer \$TOKEN" -H "Content-Type: application/json" -H "Prefer: wait=10" \\
    -d '{"companyName":"Quick Fix Garage","subscriptionTier":"free","ownerEmail":"owner@quickfix.com"}'
Stop everything: scripts/down.sh
INFO
