-- A custom domain serves one live tenant only: a second live tenant with the same host would take its traffic. The
-- admission checks it; this index settles two signups racing for the same domain (the loser's insert is refused,
-- its retry sees the winner).
ALTER TABLE tenant_sagas ADD COLUMN IF NOT EXISTS custom_domain text;
UPDATE tenant_sagas SET custom_domain = lower(data->>'CustomDomain') WHERE coalesce(data->>'CustomDomain', '') <> '';
CREATE UNIQUE INDEX IF NOT EXISTS ux_tenant_sagas_live_custom_domain ON tenant_sagas (custom_domain)
    WHERE custom_domain IS NOT NULL AND current_state NOT IN ('Failed', 'Deprovisioned', 'Compensating');

-- An Idempotency-Key (kept as the Gateway's keyed hash of it) belongs to one signup for good.
ALTER TABLE tenant_sagas ADD COLUMN IF NOT EXISTS idempotency_key text;
CREATE UNIQUE INDEX IF NOT EXISTS ux_tenant_sagas_idempotency_key ON tenant_sagas (idempotency_key) WHERE idempotency_key IS NOT NULL;
