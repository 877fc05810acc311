-- The shop's own tables. Names are unqualified: the migrator logs in as the tenant's role, whose search_path is
-- its own schema, so they land there and nowhere else.
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL UNIQUE,
    email           text NOT NULL,
    password_hash   text NOT NULL,
    role            text NOT NULL DEFAULT 'Mechanic',
    must_change_password boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE settings (
    key             text PRIMARY KEY,
    value           text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mechanics (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint REFERENCES users(id),
    full_name       text NOT NULL,
    hourly_rate     numeric(10,2),
    active          boolean NOT NULL DEFAULT true
);

CREATE TABLE customers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    full_name       text NOT NULL,
    email           text,
    phone           text,
    address         text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customers(id),
    vin             text,
    registration    text,
    make            text,
    model           text,
    model_year      integer,
    odometer_km     integer
);

CREATE TABLE parts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku             text NOT NULL UNIQUE,
    name            text NOT NULL,
    unit_price      numeric(12,2) NOT NULL DEFAULT 0,
    stock_quantity  integer NOT NULL DEFAULT 0
);

CREATE TABLE work_orders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vehicle_id      bigint NOT NULL REFERENCES vehicles(id),
    mechanic_id     bigint REFERENCES mechanics(id),
    status          text NOT NULL DEFAULT 'Open',
    description     text,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz
);

CREATE TABLE work_order_items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    work_order_id   bigint NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    part_id         bigint REFERENCES parts(id),
    description     text NOT NULL,
    quantity        numeric(10,2) NOT NULL DEFAULT 1,
    unit_price      numeric(12,2) NOT NULL DEFAULT 0,
    labour_hours    numeric(6,2) NOT NULL DEFAULT 0
);

CREATE TABLE invoices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    work_order_id   bigint NOT NULL REFERENCES work_orders(id),
    number          text NOT NULL UNIQUE,
    total           numeric(12,2) NOT NULL DEFAULT 0,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz
);

CREATE TABLE invoice_lines (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id      bigint NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    description     text NOT NULL,
    amount          numeric(12,2) NOT NULL
);

CREATE TABLE appointments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customers(id),
    vehicle_id      bigint REFERENCES vehicles(id),
    mechanic_id     bigint REFERENCES mechanics(id),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    notes           text
);
