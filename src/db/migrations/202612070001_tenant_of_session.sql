-- A transaction that has chosen a utility writes only that utility's rows,
-- whichever role it runs as. Row-level security binds the application role;
-- this check binds the schema owner too, which the bulk path (src/db/bulk.ts)
-- steps back to for each COPY (PostgreSQL refuses COPY FROM into a table
-- under row-level security): a COPY line naming another utility is refused,
-- so utility_id comes from the session, never from the data. Without a chosen
-- utility (migrations, the demo seed, the job queue's claim) it lets every row
-- through. NOT VALID: rows already stored are not re-read (they were written
-- under row-level security or by the owner without a utility chosen).
do $$
declare t text;
begin
  for t in
    select c.table_name from information_schema.columns c
    join information_schema.tables tb on tb.table_name = c.table_name and tb.table_schema = c.table_schema
    where c.table_schema = 'public' and c.column_name = 'utility_id' and tb.table_type = 'BASE TABLE'
      and c.table_name <> 'jobs'
  loop
    execute format('alter table %I add constraint %I check (utility_id = coalesce(app_utility_id(), utility_id)) not valid', t, t || '_utility_of_session');
  end loop;
end $$;

-- Later business tables get the same check with their row-level security.
create or replace function wodnik_enable_tenant_rls(t regclass) returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security', t);
  execute format('create policy tenant_isolation on %s using (utility_id = app_utility_id()) with check (utility_id = app_utility_id())', t);
  execute format('alter table %s add constraint %I check (utility_id = coalesce(app_utility_id(), utility_id)) not valid', t, (select relname from pg_class where oid = t) || '_utility_of_session');
end $$;
