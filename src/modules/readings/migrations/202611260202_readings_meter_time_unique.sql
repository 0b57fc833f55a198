-- One index for a meter's readings in time order and for "one reading per
-- meter, time and source": it replaces readings_meter_time (non-unique) and
-- readings_remote_once (unique for remote readings only). Every reading of a
-- large walk-by import paid for both b-trees; one is enough.
drop index if exists readings_remote_once;
drop index if exists readings_meter_time;
create unique index readings_meter_time on readings (utility_id, meter_id, read_at, source);

-- The readings' references to their meter and photo are checked once per
-- statement, over all its rows, instead of by a foreign-key trigger per row:
-- a walk-by import COPYs a million readings, and the per-row checks were a
-- third of the database's work. The rules are the same as the foreign keys'
-- (NO ACTION): a reading must name an existing meter (and photo file) of its
-- utility, and a meter or file that readings name cannot be deleted or
-- renumbered. (The application never deletes meters: a removed meter keeps
-- its readings and gets removed_on.)
alter table readings drop constraint readings_utility_id_meter_id_fkey;
alter table readings drop constraint readings_utility_id_photo_file_id_fkey;

create function readings_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_readings n
             where not exists (select 1 from meters m where m.utility_id = n.utility_id and m.id = n.meter_id)) then
    raise foreign_key_violation using message = 'a reading names a meter that does not exist', constraint = 'readings_meter_exists';
  end if;
  if exists (select 1 from new_readings n
             where n.photo_file_id is not null
               and not exists (select 1 from files f where f.utility_id = n.utility_id and f.id = n.photo_file_id)) then
    raise foreign_key_violation using message = 'a reading names a photo file that does not exist', constraint = 'readings_photo_exists';
  end if;
  return null;
end $$;
create trigger readings_references_on_insert after insert on readings
  referencing new table as new_readings for each statement execute function readings_check_references();
create trigger readings_references_on_update after update on readings
  referencing new table as new_readings for each statement execute function readings_check_references();

create function readings_keep_referenced() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.utility_id = old.utility_id and new.id = old.id then
    return new;
  end if;
  if tg_table_name = 'meters' and exists (select 1 from readings r where r.utility_id = old.utility_id and r.meter_id = old.id) then
    raise foreign_key_violation using message = 'the meter has readings', constraint = 'readings_meter_exists';
  end if;
  if tg_table_name = 'files' and exists (select 1 from readings r where r.utility_id = old.utility_id and r.photo_file_id = old.id) then
    raise foreign_key_violation using message = 'the file is a reading''s photo', constraint = 'readings_photo_exists';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger meters_keep_readings before delete or update of id, utility_id on meters
  for each row execute function readings_keep_referenced();
create trigger files_keep_reading_photos before delete or update of id, utility_id on files
  for each row execute function readings_keep_referenced();
-- For the check when a file is deleted (photos are few: the index holds only them).
create index readings_photo on readings (utility_id, photo_file_id) where photo_file_id is not null;
-- (Triggers named *_references_on_* are such reference checks; the demo seeding,
-- which may skip foreign keys for rows correct by construction, skips them too.)
