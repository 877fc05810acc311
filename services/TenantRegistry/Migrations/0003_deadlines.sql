-- Provisioning deadlines: the registry's own timeout scheduler (the broker has no delayed-message plugin).
ALTER TABLE tenant_sagas ADD COLUMN deadline_at timestamptz NULL;
CREATE INDEX tenant_sagas_deadline ON tenant_sagas (deadline_at) WHERE current_state = 'Provisioning';
