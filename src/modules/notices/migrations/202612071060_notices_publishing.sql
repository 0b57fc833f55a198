-- Publishing a notice e-mails the affected customers once; the counts are kept
-- with the notice so staff see what went out (and that it went out once).
alter table notices add column published_by bigint;
alter table notices add column emailed_count int;
alter table notices add column no_email_count int;
create index notice_areas_notice on notice_areas (utility_id, notice_id);
create index notices_active on notices (utility_id, ends_at) where published_at is not null;
