-- Change notifications for the server's in-memory caches (src/db/change-feed.ts).
-- Whatever writes (a route, a CLI command, a job in another process, psql),
-- the committing transaction tells every server process which cached
-- entries are stale; NOTIFY is delivered only on commit, and a server that
-- loses its listening connection forgets everything it cached.

-- Sessions: 'utility_id:user_id' of the user whose sessions, account, roles
-- or customers changed; the session cache (src/modules/identity/session-cache.ts)
-- forgets that user's entries.
create or replace function wodnik_notify_user_change() returns trigger language plpgsql as $$
declare r jsonb := to_jsonb(coalesce(new, old));
begin
  perform pg_notify('wodnik_sessions', (r->>'utility_id') || ':' || (r->>tg_argv[0]));
  if tg_op = 'UPDATE' and (to_jsonb(old)->>tg_argv[0]) is distinct from (r->>tg_argv[0]) then
    perform pg_notify('wodnik_sessions', (to_jsonb(old)->>'utility_id') || ':' || (to_jsonb(old)->>tg_argv[0]));
  end if;
  return null;
end $$;

-- The session's last-seen time moves once a minute per session: not a change anyone caches.
create trigger sessions_changed after delete or update of user_id, mfa_passed, expires_at, csrf_token on sessions
  for each row execute function wodnik_notify_user_change('user_id');
create trigger users_changed after update or delete on users
  for each row execute function wodnik_notify_user_change('id');
create trigger staff_roles_changed after insert or update or delete on staff_roles
  for each row execute function wodnik_notify_user_change('user_id');
create trigger user_customers_changed after insert or update or delete on user_customers
  for each row execute function wodnik_notify_user_change('user_id');

-- The portal overview: the utility whose customers, premises, contracts,
-- meters or readings changed ('*' when written outside a tenant context, by
-- the owner: a bulk load), once per statement, so a bulk insert of readings
-- costs one notification, not one per row.
create or replace function wodnik_notify_overview_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('wodnik_overview', coalesce(app_utility_id()::text, '*'));
  return null;
end $$;

create trigger customers_overview after insert or update or delete on customers
  for each statement execute function wodnik_notify_overview_change();
create trigger service_points_overview after insert or update or delete on service_points
  for each statement execute function wodnik_notify_overview_change();
create trigger contracts_overview after insert or update or delete on contracts
  for each statement execute function wodnik_notify_overview_change();
create trigger meters_overview after insert or update or delete on meters
  for each statement execute function wodnik_notify_overview_change();
create trigger readings_overview after insert or update or delete on readings
  for each statement execute function wodnik_notify_overview_change();

-- Utilities (tenants): their settings are read on every request from memory
-- (src/modules/utilities/service.ts); a change is heard by every process.
create or replace function wodnik_notify_utility_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('wodnik_utilities', '');
  return null;
end $$;
create trigger utilities_changed after insert or update or delete on utilities
  for each statement execute function wodnik_notify_utility_change();
