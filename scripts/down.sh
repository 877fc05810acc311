#!/usr/bin/env bash
# Stops the four services, then nginx, RabbitMQ and PostgreSQL. Data stays in $MB_VAR (default ./var).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/services.sh" stop
"$here/infra.sh" stop
echo "MechanicBuddy stopped."
