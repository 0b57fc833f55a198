-- The server refuses portal calls while a portal user owes the acceptance of
-- the current terms (src/http/access.ts). Whether they owe it is read with
-- the session (src/modules/identity/sessions.ts) and kept in the session
-- cache, so the cache must hear when that changes, from any process:
--  - an acceptance: that user's sessions are read again;
--  - a new (or changed) terms version: every cached session is read again
--    (the payload '*' clears the cache; a new version is rare).
create or replace function wodnik_notify_all_sessions() returns trigger language plpgsql as $$
begin
  perform pg_notify('wodnik_sessions', '*');
  return null;
end $$;

create trigger terms_acceptances_added after insert on terms_acceptances
  for each row when (new.user_id is not null) execute function wodnik_notify_user_change('user_id');
create trigger terms_acceptances_changed after update or delete on terms_acceptances
  for each statement execute function wodnik_notify_all_sessions();

create trigger terms_versions_changed after insert or update or delete on terms_versions
  for each statement execute function wodnik_notify_all_sessions();

-- The session read looks up the user's acceptance of the current version.
create index terms_acceptances_by_user on terms_acceptances (utility_id, user_id, terms_version_id);
