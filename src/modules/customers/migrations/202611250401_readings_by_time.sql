-- The staff overview counts a utility's readings of the last 30 days; without
-- this index that is a scan of every reading (millions at a large utility).
create index if not exists readings_utility_read_at on readings (utility_id, read_at);
