#!/usr/bin/env bash
# docker-compose: PostgreSQL's first start (run by the image as its superuser). The control plane's role is no
# superuser and has no CREATEROLE; its databases are its own; the shared pool is prepared like every pool database.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres <<SQL
CREATE ROLE mechanicbuddy LOGIN CREATEDB NOCREATEROLE NOSUPERUSER PASSWORD '${MECHANICBUDDY_DB_PASSWORD}';
CREATE DATABASE mechanicbuddy_registry OWNER mechanicbuddy;
CREATE DATABASE mechanicbuddy_shared OWNER mechanicbuddy;
REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1, mechanicbuddy_registry FROM PUBLIC;
SQL
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d mechanicbuddy_shared -f /mechanicbuddy/pool-database.sql
