-- The day's work orders by opening time, for release 1.1's workshop board. work_orders holds a shop's history, so a
-- plain CREATE INDEX would block the shop's writes for as long as the build takes: built CONCURRENTLY, outside a
-- transaction (the file's ".concurrently" tells the migrator), which lets writes go on. One statement per such file.
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_work_orders_opened ON work_orders (opened_at)
