-- Lookups the shop's screens make: a customer's vehicles, a vehicle's work orders, the day's appointments.
CREATE INDEX ix_vehicles_customer ON vehicles (customer_id);
CREATE INDEX ix_vehicles_vin ON vehicles (vin);
CREATE INDEX ix_work_orders_vehicle ON work_orders (vehicle_id);
CREATE INDEX ix_work_orders_status ON work_orders (status);
CREATE INDEX ix_work_order_items_order ON work_order_items (work_order_id);
CREATE INDEX ix_invoices_work_order ON invoices (work_order_id);
CREATE INDEX ix_invoice_lines_invoice ON invoice_lines (invoice_id);
CREATE INDEX ix_appointments_starts ON appointments (starts_at);
CREATE INDEX ix_customers_email ON customers (lower(email));
