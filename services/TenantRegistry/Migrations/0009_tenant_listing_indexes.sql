-- The tenant list pages newest first by (requested_at, tenant_id) with a cursor: these indexes serve it, alone or
-- filtered by state, so a page deep in 10,000 tenants reads a page's rows, not the table. The drift check and the
-- operator console page through all of them.
CREATE INDEX IF NOT EXISTS ix_tenant_sagas_listing ON tenant_sagas (requested_at DESC, tenant_id);
CREATE INDEX IF NOT EXISTS ix_tenant_sagas_state_listing ON tenant_sagas (current_state, requested_at DESC, tenant_id);
DROP INDEX IF EXISTS ix_tenant_sagas_state;
