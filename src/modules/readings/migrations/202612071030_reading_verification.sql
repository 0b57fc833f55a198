-- Verification of readings held as pending: who decided, when, and which
-- reading a staff correction replaces (the corrected one is kept, rejected,
-- so nothing read is ever lost). Nullable columns: adding them rewrites no row.
alter table readings add column verified_by bigint;
alter table readings add column verified_at timestamptz;
alter table readings add column corrects_reading_id bigint;
-- The verification queue reads a utility's pending readings oldest first;
-- they are few among millions, so a partial index holds only them.
create index readings_pending on readings (utility_id, read_at) where status = 'pending';
