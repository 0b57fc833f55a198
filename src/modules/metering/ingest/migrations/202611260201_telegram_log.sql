-- Raw telegrams become a reception log: one row per telegram as each source
-- received it (a walk-by upload, a gateway, an MQTT topic), with no unique
-- key. A unique content hash over every telegram ever heard was a b-tree of
-- random keys that outgrew memory within weeks and made each insert a random
-- page write; what must happen once happens on the readings instead (one per
-- meter, time and source, see readings_meter_time) and on the quarantine (one
-- entry per distinct bad telegram). The same telegram heard by two gateways is
-- now two receptions — which is what a network's coverage is judged by — and
-- still one reading. An identical walk-by file is refused as a whole
-- (walkby_uploads.file_sha256).

alter table quarantine add column raw bytea;
update quarantine q set raw = t.raw from telegrams t where t.utility_id = q.utility_id and t.sha256 = q.sha256;
delete from quarantine where raw is null;
alter table quarantine alter column raw set not null;

alter table telegrams drop constraint telegrams_pkey;
alter table telegrams drop column sha256;

alter table walkby_uploads add column file_sha256 text;
create unique index walkby_uploads_file_once on walkby_uploads (utility_id, file_sha256) where file_sha256 is not null;
