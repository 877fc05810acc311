-- The shared tier's pools as data: those listed in configuration (server 'configured') and those the control plane
-- created on a configured server. A created pool is 'Preparing' from the moment it is decided until its database is
-- made and prepared; only 'Ready' pools take tenants, so a crash half-way leaves nothing half-prepared in use (the
-- keeper prepares it again, which is safe to repeat). A draining pool keeps its tenants and takes no new ones.
CREATE TABLE shared_pools (
    name        text PRIMARY KEY,
    server      text NOT NULL,
    number      integer,
    state       text NOT NULL CHECK (state IN ('Preparing', 'Ready')),
    draining    boolean NOT NULL DEFAULT false,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    ready_at    timestamptz,
    UNIQUE (server, number)
);
