-- The saga's transactional outbox: written in the transaction that stores the saga's new state, delivered to
-- RabbitMQ after the commit by the OutboxDispatcher, deleted once the broker confirmed.
CREATE TABLE outbox_messages (
    position       bigint GENERATED ALWAYS AS IDENTITY,
    id             uuid PRIMARY KEY,
    correlation_id uuid NOT NULL,
    destination    text NULL,
    message_type   text NOT NULL,
    body           jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_position ON outbox_messages (position);
