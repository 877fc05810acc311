-- Prepares one shared pool database so that the control plane needs no power a tenant could borrow. Run it as a
-- superuser inside the pool database (scripts/infra.sh prepare-pool does; in production a DBA does, once per pool
-- database; docker-compose runs it at first start). Safe to run again.
--
-- The control plane's role (the database's owner) has no CREATEROLE: if tenant code ever ran under it, CREATEROLE
-- would let that code grant itself (and so the tenant) any non-superuser role, pg_execute_server_program included.
-- Instead, role changes go through the SECURITY DEFINER functions below, owned by the NOLOGIN role
-- mechanicbuddy_roles. They accept only tenant role names (tenant_{id}_app; tenant_{id}_mv, the short-lived login a
-- tier change reads and writes the shop tables with; tenant_{id}_ro, the powerless owner of the shop tables during the
-- read-only window), only SCRAM verifiers as passwords, and only roles that already belong to this pool's tenant
-- group; each pins search_path so nothing a tenant creates can run in them. window-guard.sql (included below) keeps
-- the window's owner from running DDL.
SET client_min_messages = warning;
DO $setup$
DECLARE
    db text := pg_catalog.current_database();
    control_role text := (SELECT pg_catalog.pg_get_userbyid(d.datdba) FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database());
    tenants text := pg_catalog.left(pg_catalog.current_database() || '_tenants', 63);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'mechanicbuddy_roles') THEN
        CREATE ROLE mechanicbuddy_roles NOLOGIN CREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = tenants) THEN
        EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', tenants);
    END IF;
    -- From PostgreSQL 16 on, CREATEROLE alone no longer lets a role add members to a group: it needs ADMIN on it (on
    -- the roles it creates itself it gets ADMIN automatically). Not run here: this machine's server is 15.
    IF pg_catalog.current_setting('server_version_num')::integer >= 160000 THEN
        EXECUTE pg_catalog.format('GRANT %I TO mechanicbuddy_roles WITH ADMIN OPTION', tenants);
    END IF;
    -- Tenants reach this database (through their group) and their own schema; nobody else connects.
    EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', db);
    EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', db, tenants);
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    CREATE SCHEMA IF NOT EXISTS mechanicbuddy_control AUTHORIZATION mechanicbuddy_roles;
    REVOKE ALL ON SCHEMA mechanicbuddy_control FROM PUBLIC;
    -- The control plane may add objects of its own here (the read-only window's trigger function) but cannot
    -- replace the functions below, which are not its own.
    EXECUTE pg_catalog.format('GRANT USAGE, CREATE ON SCHEMA mechanicbuddy_control TO %I', control_role);
    -- What the control plane serialises on. A tenant can take any advisory lock in a database it connects to, so an
    -- advisory lock here could be held by a tenant for good; this table is locked instead, and tenants have no right
    -- on it at all (LOCK TABLE needs one).
    CREATE TABLE IF NOT EXISTS mechanicbuddy_control.pool_lock ();
    EXECUTE pg_catalog.format('ALTER TABLE mechanicbuddy_control.pool_lock OWNER TO %I', control_role);
    REVOKE ALL ON mechanicbuddy_control.pool_lock FROM PUBLIC;
END
$setup$;

-- Is this one of this pool's tenant logins (never anything else: no group, no superuser, no other service's role)?
CREATE OR REPLACE FUNCTION mechanicbuddy_control.require_tenant_role(role_name text, want_existing boolean) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    tenants text := pg_catalog.left(pg_catalog.current_database() || '_tenants', 63);
    r pg_catalog.pg_roles%ROWTYPE;
BEGIN
    IF role_name IS NULL OR role_name !~ '^tenant_[a-z0-9_]+_(app|mv|ro)$' OR pg_catalog.octet_length(role_name) > 63 THEN
        RAISE EXCEPTION 'not a tenant role name: %', role_name USING ERRCODE = '42939';
    END IF;
    SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname = role_name;
    IF NOT FOUND THEN
        IF want_existing THEN
            RAISE EXCEPTION 'tenant role % does not exist', role_name USING ERRCODE = '42704';
        END IF;
        RETURN;
    END IF;
    IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
       OR NOT pg_catalog.pg_has_role(role_name, tenants, 'MEMBER') THEN
        RAISE EXCEPTION 'role % is not a tenant role of pool %', role_name, pg_catalog.current_database() USING ERRCODE = '42501';
    END IF;
END
$$;

-- Creates the tenant's login (or gives it a new password on a re-run) in this pool's tenant group, its search path
-- its own schema.
CREATE OR REPLACE FUNCTION mechanicbuddy_control.create_tenant_role(role_name text, verifier text, connection_limit integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    tenants text := pg_catalog.left(pg_catalog.current_database() || '_tenants', 63);
BEGIN
    IF role_name !~ '_app$' THEN
        RAISE EXCEPTION 'not a tenant login name: %', role_name USING ERRCODE = '42939';
    END IF;
    PERFORM mechanicbuddy_control.require_tenant_role(role_name, false);
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'a tenant password must be a SCRAM verifier' USING ERRCODE = '22023';
    END IF;
    IF connection_limit IS NULL OR connection_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'connection limit % out of range', connection_limit USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN PASSWORD %L CONNECTION LIMIT %s', role_name, verifier, connection_limit);
    ELSE
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT %s IN ROLE %I',
            role_name, verifier, connection_limit, tenants);
    END IF;
    EXECUTE pg_catalog.format('ALTER ROLE %I SET search_path = %I', role_name, pg_catalog.regexp_replace(role_name, '_app$', ''));
END
$$;

-- A short-lived login that is a member of the tenant's role and nothing else: what a tier change reads and writes the
-- shop tables with, so that anything the tenant made (policies, triggers, views, functions) runs with the tenant's
-- rights only.
CREATE OR REPLACE FUNCTION mechanicbuddy_control.create_mover_role(tenant_role text, verifier text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    mover text := pg_catalog.regexp_replace(tenant_role, '_app$', '_mv');
BEGIN
    PERFORM mechanicbuddy_control.require_tenant_role(tenant_role, true);
    IF tenant_role !~ '_app$' OR verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'a mover needs a tenant login and a SCRAM verifier' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = mover) THEN
        PERFORM mechanicbuddy_control.require_tenant_role(mover, true);
        EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN PASSWORD %L', mover, verifier);
    ELSE
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 4 IN ROLE %I',
            mover, verifier, tenant_role);
    END IF;
    RETURN mover;
END
$$;

-- The owner of the tenant's shop tables for a read-only window (made if missing), and the control plane's membership
-- in it for the rest of this transaction (leave_tenant ends it). It logs in nowhere and inherits nothing, not even its
-- group's CONNECT: it is in the group only so that the functions here know it as this pool's.
CREATE OR REPLACE FUNCTION mechanicbuddy_control.enter_window_owner(tenant_role text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    tenants text := pg_catalog.left(pg_catalog.current_database() || '_tenants', 63);
    owner_role text := pg_catalog.regexp_replace(tenant_role, '_app$', '_ro');
BEGIN
    PERFORM mechanicbuddy_control.require_tenant_role(tenant_role, true);
    IF tenant_role !~ '_app$' THEN
        RAISE EXCEPTION 'not a tenant login name: %', tenant_role USING ERRCODE = '42939';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = owner_role) THEN
        PERFORM mechanicbuddy_control.require_tenant_role(owner_role, true);
    ELSE
        EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT IN ROLE %I',
            owner_role, tenants);
    END IF;
    EXECUTE pg_catalog.format('GRANT %I TO %I', owner_role, session_user);
    RETURN owner_role;
END
$$;

CREATE OR REPLACE FUNCTION mechanicbuddy_control.drop_tenant_role(role_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM mechanicbuddy_control.require_tenant_role(role_name, false);
    EXECUTE pg_catalog.format('DROP ROLE IF EXISTS %I', role_name);
END
$$;

-- Membership of the control plane in one tenant's role, for the one transaction that needs it (CREATE SCHEMA
-- AUTHORIZATION, the read-only window's change of owner, DROP SCHEMA): granted and revoked inside that transaction,
-- so outside it the control plane is a member of no tenant role.
CREATE OR REPLACE FUNCTION mechanicbuddy_control.enter_tenant(role_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM mechanicbuddy_control.require_tenant_role(role_name, true);
    EXECUTE pg_catalog.format('GRANT %I TO %I', role_name, session_user);
END
$$;

CREATE OR REPLACE FUNCTION mechanicbuddy_control.leave_tenant(role_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM mechanicbuddy_control.require_tenant_role(role_name, false);
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
        EXECUTE pg_catalog.format('REVOKE %I FROM %I', role_name, session_user);
    END IF;
END
$$;

DO $grants$
DECLARE
    control_role text := (SELECT pg_catalog.pg_get_userbyid(d.datdba) FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database());
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['require_tenant_role(text, boolean)', 'create_tenant_role(text, text, integer)', 'create_mover_role(text, text)',
                             'enter_window_owner(text)', 'drop_tenant_role(text)', 'enter_tenant(text)', 'leave_tenant(text)'] LOOP
        EXECUTE 'ALTER FUNCTION mechanicbuddy_control.' || f || ' OWNER TO mechanicbuddy_roles';
        EXECUTE 'REVOKE ALL ON FUNCTION mechanicbuddy_control.' || f || ' FROM PUBLIC';
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mechanicbuddy_control.%s TO %I', f, control_role);
    END LOOP;
END
$grants$;

\ir window-guard.sql
