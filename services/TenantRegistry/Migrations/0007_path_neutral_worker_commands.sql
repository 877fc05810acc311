-- Worker commands became path-neutral (BuildTenantSide, RemoveTenantSide). Commands still waiting in the outbox when
-- the registry is upgraded are rewritten to the new contracts, so nothing committed before the upgrade is lost:
-- a build is the tenant's own side unless it numbers a tier change (then the change's target); a removal is the
-- tenant's current side when its path is the tenant's, else the target of a rollback or the retired side of a
-- finished change. Answers the workers sent in the old shape while the registry was down are not translated: the
-- deadline watcher resends what they answered (see docs/operations.md, "Upgrading").

UPDATE outbox_messages
SET message_type = 'MechanicBuddy.Contracts.BuildTenantSide',
    body = body || jsonb_build_object(
        'side', CASE WHEN coalesce((body->>'tierChange')::int, 0) > 0 THEN 'target' ELSE 'current' END,
        'deploymentMode', CASE message_type WHEN 'MechanicBuddy.Contracts.ProvisionSharedTenant' THEN 'shared' ELSE 'dedicated' END)
WHERE message_type IN ('MechanicBuddy.Contracts.ProvisionSharedTenant', 'MechanicBuddy.Contracts.ProvisionDedicatedTenant');

UPDATE outbox_messages AS o
SET message_type = 'MechanicBuddy.Contracts.RemoveTenantSide',
    body = o.body || jsonb_build_object(
        'deploymentMode', m.mode,
        'side', coalesce((SELECT CASE WHEN s.data->>'DeploymentMode' = m.mode THEN 'current'
                                      WHEN s.current_state = 'TierRollingBack' THEN 'target'
                                      ELSE 'retired' END
                          FROM tenant_sagas AS s WHERE s.correlation_id = o.correlation_id), 'current'))
FROM (VALUES ('MechanicBuddy.Contracts.DeprovisionSharedTenant', 'shared'),
             ('MechanicBuddy.Contracts.DeprovisionDedicatedTenant', 'dedicated')) AS m(message_type, mode)
WHERE o.message_type = m.message_type;

-- A row no build of this registry knows (another version wrote it) is moved here by the outbox recovery instead of
-- holding up the rows behind it.
CREATE TABLE IF NOT EXISTS outbox_set_aside (
    id             uuid PRIMARY KEY,
    correlation_id uuid NOT NULL,
    destination    text NULL,
    message_type   text NOT NULL,
    body           jsonb NOT NULL,
    created_at     timestamptz NOT NULL,
    set_aside_at   timestamptz NOT NULL DEFAULT now()
);
