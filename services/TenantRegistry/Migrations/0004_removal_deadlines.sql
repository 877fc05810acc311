-- Removals (compensation, deprovisioning) have deadlines too: the watcher looks at all three waiting states.
DROP INDEX IF EXISTS tenant_sagas_deadline;
CREATE INDEX tenant_sagas_deadline ON tenant_sagas (deadline_at) WHERE current_state IN ('Provisioning', 'Compensating', 'Deprovisioning');
