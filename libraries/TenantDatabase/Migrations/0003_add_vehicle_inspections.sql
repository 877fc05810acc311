-- Release 1.1 of the shop app: inspections recorded against a vehicle, and whether a customer takes reminders.
-- A column added with a constant default is a catalogue change only (PostgreSQL 11+): no rewrite of a shop's rows,
-- so the table is locked for milliseconds, not for the size of the shop.
CREATE TABLE vehicle_inspections (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vehicle_id      bigint NOT NULL REFERENCES vehicles(id),
    mechanic_id     bigint REFERENCES mechanics(id),
    inspected_at    timestamptz NOT NULL DEFAULT now(),
    odometer_km     integer,
    passed          boolean NOT NULL,
    notes           text
);
-- A new, empty table: a plain index costs nothing and takes nothing from the shop.
CREATE INDEX ix_vehicle_inspections_vehicle ON vehicle_inspections (vehicle_id, inspected_at);

ALTER TABLE customers ADD COLUMN reminders_opt_in boolean NOT NULL DEFAULT false;
