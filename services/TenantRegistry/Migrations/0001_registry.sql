-- The registry: provisioning sagas (which double as the Tenant read model), their log, and shared-pool slots.

CREATE TABLE tenant_sagas (
    correlation_id   uuid PRIMARY KEY,
    version          integer NOT NULL,
    current_state    text NOT NULL,
    tenant_id        text NOT NULL UNIQUE,
    company_key      text NOT NULL,
    owner_email_key  text NOT NULL,
    subscription_tier text NOT NULL,
    pool             text,
    requested_at     timestamptz NOT NULL,
    data             jsonb NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One live tenant per shop (company + owner email): a second signup racing the first fails its insert.
CREATE UNIQUE INDEX ux_tenant_sagas_live_shop ON tenant_sagas (company_key, owner_email_key)
    WHERE current_state IN ('Provisioning', 'Active', 'Suspended', 'Deprovisioning');

CREATE INDEX ix_tenant_sagas_state ON tenant_sagas (current_state);

CREATE TABLE provisioning_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text NOT NULL,
    logged_at   timestamptz NOT NULL,
    step        text NOT NULL,
    outcome     text NOT NULL,
    message     text NOT NULL,
    -- A redelivered event or a retried saga step must not log twice.
    dedup_key   text NOT NULL UNIQUE
);

CREATE INDEX ix_provisioning_log_tenant ON provisioning_log (tenant_id, logged_at, id);

-- A slot is held from admission until the tenant fails or is deprovisioned; the count per pool is its occupancy.
CREATE TABLE shared_pool_slots (
    tenant_id    text PRIMARY KEY,
    pool         text NOT NULL,
    reserved_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_shared_pool_slots_pool ON shared_pool_slots (pool);
