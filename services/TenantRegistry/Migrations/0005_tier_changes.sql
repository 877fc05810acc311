-- Tier changes. Every state but the ended ones is a live tenant of its shop (suspension and tier-change states included).
DROP INDEX IF EXISTS ux_tenant_sagas_live_shop;
CREATE UNIQUE INDEX ux_tenant_sagas_live_shop ON tenant_sagas (company_key, owner_email_key)
    WHERE current_state NOT IN ('Failed', 'Deprovisioned', 'Compensating');

-- Deadlines now also mean "tier-change phase overdue" and "old side's grace period over" (on Active/Suspended tenants).
DROP INDEX IF EXISTS tenant_sagas_deadline;
CREATE INDEX tenant_sagas_deadline ON tenant_sagas (deadline_at) WHERE deadline_at IS NOT NULL;

-- Tenants that finished provisioning kept their provisioning deadline; on an Active tenant it would now read as a due
-- retirement, so it goes (in the column and in the saga's own copy).
UPDATE tenant_sagas SET deadline_at = NULL, data = jsonb_set(data, '{DeadlineAt}', 'null'::jsonb)
WHERE current_state IN ('Active', 'Suspended', 'Suspending', 'Resuming', 'Failed', 'Deprovisioned');
