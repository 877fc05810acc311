-- Fleet schema rollouts: one row per rollout, one per tenant it covers. The rows are the rollout's whole state, so a
-- registry that restarts (or another instance) carries on where it stopped: a tenant sent to its worker and not yet
-- answered is sent again after a while (the migration is idempotent, its answer names the attempt).
CREATE TABLE fleet_migrations (
    id                  uuid PRIMARY KEY,
    target_version      integer NOT NULL,
    selection           jsonb NOT NULL,
    canary_count        integer NOT NULL,
    batch_size          integer NOT NULL,
    max_per_server      integer NOT NULL,
    failure_threshold   integer NOT NULL,
    lock_timeout_ms     integer NOT NULL,
    state               text NOT NULL,
    stop_reason         text,
    started_published   boolean NOT NULL DEFAULT false,
    completed_published boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz
);

CREATE TABLE fleet_migration_tenants (
    migration_id    uuid NOT NULL REFERENCES fleet_migrations (id),
    tenant_id       text NOT NULL,
    position        integer NOT NULL,
    canary          boolean NOT NULL,
    deployment_mode text NOT NULL,
    pool            text,
    namespace       text,
    server          text NOT NULL,
    state           text NOT NULL,
    attempt         integer NOT NULL DEFAULT 0,
    busy_retries    integer NOT NULL DEFAULT 0,
    from_version    integer,
    version         integer,
    duration_ms     bigint,
    locked_ms       bigint,
    error           text,
    sent_at         timestamptz,
    wave            integer,
    not_before      timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (migration_id, tenant_id)
);

CREATE INDEX ix_fleet_migration_tenants_work ON fleet_migration_tenants (migration_id, state, position);
-- One rollout at a time per tenant: a second rollout does not take a tenant another one is migrating.
CREATE UNIQUE INDEX ux_fleet_migration_tenants_in_flight ON fleet_migration_tenants (tenant_id) WHERE state = 'Migrating';
