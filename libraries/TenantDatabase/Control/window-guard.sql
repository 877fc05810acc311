-- The read-only window's owner runs no DDL. For a tier change's read-only window the shop tables belong to
-- tenant_{id}_ro, a role that can log in nowhere and holds no right but owning them: whatever PostgreSQL runs as a
-- table's owner (index expressions under ANALYZE, autovacuum's included; foreign-key actions; rule actions' checks) may
-- be tenant code, and as this role it can reach nothing of the control plane's or of another tenant's. An owner may
-- still drop or disable what is on its own tables, the window's trigger included, so this event trigger refuses every
-- DDL command run as such a role. Made by a superuser (event triggers need one): pool-database.sql in a shared pool,
-- the control plane itself in a tenant's own instance or cluster, where it is superuser. Safe to run again.
CREATE OR REPLACE FUNCTION mechanicbuddy_control.refuse_window_owner_ddl() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF current_user::text ~ '^tenant_[a-z0-9_]+_ro$' THEN
        RAISE EXCEPTION '% is the owner of a read-only window and runs no DDL (%)', current_user, tg_tag USING ERRCODE = '42501';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION mechanicbuddy_control.refuse_window_owner_ddl() FROM PUBLIC;
DO $guard$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = 'mechanicbuddy_window_owner_ddl') THEN
        CREATE EVENT TRIGGER mechanicbuddy_window_owner_ddl ON ddl_command_start EXECUTE FUNCTION mechanicbuddy_control.refuse_window_owner_ddl();
    END IF;
END
$guard$;
-- Also under session_replication_role = replica.
ALTER EVENT TRIGGER mechanicbuddy_window_owner_ddl ENABLE ALWAYS;
