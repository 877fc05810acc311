#!/usr/bin/env bash
# Prints scripts/broker-users.tsv's service rows (service, user, configure, write, read; tab-separated) with the file's
# '=' exchange groups expanded into the permission regexes: what scripts/infra.sh and docker-compose's broker setup
# give each service's RabbitMQ user (the tests expand the file the same way).
set -euo pipefail
awk -F'\t' -v OFS='\t' '
  /^#/ || NF == 0 { next }
  /^=/ { groups[substr($1, 2)] = $2; next }
  {
    for (i = 3; i <= 5; i++)
      for (name in groups) {
        token = "{" name "}"
        while ((at = index($i, token)) > 0) $i = substr($i, 1, at - 1) groups[name] substr($i, at + length(token))
      }
    print
  }' "$(dirname "$0")/broker-users.tsv"
