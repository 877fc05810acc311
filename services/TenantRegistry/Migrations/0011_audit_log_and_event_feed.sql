-- Who did what through the Gateway, refused actions included. Append-only: no API changes or removes a record, and
-- the triggers below refuse UPDATE, DELETE and TRUNCATE even to the registry's own login.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    subject         text NOT NULL,
    role            text,
    action          text NOT NULL,
    tenant_id       text,
    target          text,
    request_id      text NOT NULL,
    client_address  text,
    method          text NOT NULL,
    path            text NOT NULL,
    status          integer NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('accepted', 'refused', 'error')),
    reason          text
);

CREATE INDEX ix_audit_log_tenant ON audit_log (tenant_id, id) WHERE tenant_id IS NOT NULL;
CREATE INDEX ix_audit_log_subject ON audit_log (subject, id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- The live event feed reads the provisioning log in the order its rows' transactions began writing (txid, then id),
-- up to the oldest registry transaction still open: no row can later appear behind a cursor handed out, so a client
-- resuming with Last-Event-ID misses nothing (ids alone are handed out before commit, and commit in any order).
ALTER TABLE provisioning_log ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX ix_provisioning_log_feed ON provisioning_log (txid, id);
CREATE INDEX ix_provisioning_log_tenant_feed ON provisioning_log (tenant_id, txid, id);
