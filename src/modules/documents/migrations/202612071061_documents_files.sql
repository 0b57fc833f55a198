-- Forms to download: the staff member who uploaded it, and a quick look-up
-- of the published ones (the public page lists only those).
alter table documents add column created_by bigint;
create index documents_published on documents (utility_id, category) where published_at is not null;
