-- One remote reading per meter per timestamp: the same value heard again
-- (several gateways, a file imported twice) adds nothing.
create unique index readings_remote_once on readings (utility_id, meter_id, read_at) where source = 'remote';
