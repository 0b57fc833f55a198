-- Many jobs of one kind enqueued by one statement (a billing run's batch
-- queues 5,000 invoices' PDFs): the same rules as wodnik_enqueue_job (bound
-- to the caller's utility, keys prefixed with it, a key already queued is a
-- no-op), as one insert … select instead of a function call and an insert
-- per job. keys and payloads are parallel arrays (a null key: no key).
-- Returns how many were queued (not already there).
create function wodnik_enqueue_jobs(p_kind text, p_keys text[], p_payloads jsonb[])
returns int language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_utility bigint := app_utility_id();
  v_n int;
begin
  if v_utility is null then
    raise exception 'wodnik_enqueue_jobs: no utility in this transaction';
  end if;
  if coalesce(array_length(p_keys, 1), 0) <> coalesce(array_length(p_payloads, 1), 0) then
    raise exception 'wodnik_enqueue_jobs: % keys, % payloads', array_length(p_keys, 1), array_length(p_payloads, 1);
  end if;
  insert into jobs (utility_id, kind, key, payload, run_at, max_attempts)
  select v_utility, p_kind, case when x.key is null then null else v_utility::text || ':' || x.key end, coalesce(x.payload, '{}'::jsonb), now(), 5
    from unnest(p_keys, p_payloads) with ordinality as x(key, payload, n)
   order by x.n
  on conflict (key) where key is not null do nothing;
  get diagnostics v_n = row_count;
  return v_n;
end $$;
revoke all on function wodnik_enqueue_jobs(text, text[], jsonb[]) from public;
grant execute on function wodnik_enqueue_jobs(text, text[], jsonb[]) to wodnik_app;
