#!/usr/bin/env bash
# Installs the system packages MechanicBuddy's control plane runs on: RabbitMQ (with management and shovel
# plugins), nginx and PostgreSQL 15, and Chromium for the console's browser tests. Idempotent: does nothing when everything is already there.
# Package post-install scripts must not start the distribution's own services: our scripts own their
# broker, database and proxy instances (own data dirs and ports), so a policy-rc.d denies service starts.
set -euo pipefail

need=()
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || need+=(rabbitmq-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client-15)
command -v curl >/dev/null 2>&1 || need+=(curl)
# .NET folds accented company names into tenant ids with ICU's Unicode normalisation.
ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' || need+=(libicu72)
# The operator console's browser tests: Debian's Chromium, its driver, and a font to render text in screenshots.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${need[*]}"
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[ $created_policy -eq 1 ] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# A distribution service may still have been started by a post-install script; ours use their own ports.
pkill -f 'beam.*rabbit@' 2>/dev/null || true
if [ -f /run/nginx.pid ]; then nginx -s stop 2>/dev/null || true; fi
echo "installed: ${need[*]}"
