#!/usr/bin/env bash
# Prints libraries/TenantDatabase/Control/pool-database.sql with its \ir includes inlined: the one script a superuser
# runs in every shared pool database, for readers that are not psql given the file itself (psql on standard input,
# CloudNativePG's postInitApplicationSQLRefs; see k8s/free-tier). The services embed the same text.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../libraries/TenantDatabase/Control" && pwd)
awk -v dir="$dir" '/^\\ir / { file = dir "/" $2; while ((getline line < file) > 0) print line; close(file); next } { print }' "$dir/pool-database.sql"
