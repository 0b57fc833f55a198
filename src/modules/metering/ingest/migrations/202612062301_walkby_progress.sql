-- A walk-by import on the embedded database commits in batches (so that other
-- requests are served between them): the upload row records how far it got,
-- in bytes of the unpacked file, with the counts so far. An upload with
-- finished_at null and bytes_done > 0 was interrupted; the same file uploaded
-- again (file_sha256 is set when the import starts) resumes after bytes_done.
alter table walkby_uploads add column bytes_done bigint not null default 0;
