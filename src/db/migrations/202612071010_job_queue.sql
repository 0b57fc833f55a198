-- The durable job queue (src/jobs/queue.ts) on the core `jobs` table.
--
-- key: makes enqueueing idempotent. Stored prefixed with the utility's id
-- (by wodnik_enqueue_job) so that one utility's keys never collide with
-- another's; a second enqueue with the same key is a no-op, whatever the
-- first job's state.
alter table jobs add column key text;
create unique index jobs_key on jobs (key) where key is not null;
-- Running jobs whose lease ran out (the process died) are claimed again.
create index jobs_running on jobs (locked_at) where status = 'running';
create index jobs_failed on jobs (utility_id, finished_at desc) where status = 'failed';

-- Work enqueued by a request or a billing run must commit or roll back with
-- it, so it is enqueued inside the tenant transaction. The application role
-- has no rights on `jobs` (workers claim across utilities as the owner), so
-- these three functions run as their owner and are bound to the caller's
-- utility (app_utility_id()): a tenant can enqueue, list and retry only its own jobs.
create function wodnik_enqueue_job(p_kind text, p_key text, p_payload jsonb, p_run_at timestamptz, p_max_attempts int)
returns bigint language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_utility bigint := app_utility_id();
  v_id bigint;
begin
  if v_utility is null then
    raise exception 'wodnik_enqueue_job: no utility in this transaction';
  end if;
  insert into jobs (utility_id, kind, key, payload, run_at, max_attempts)
  values (v_utility, p_kind, case when p_key is null then null else v_utility::text || ':' || p_key end,
          coalesce(p_payload, '{}'::jsonb), coalesce(p_run_at, now()), coalesce(p_max_attempts, 5))
  on conflict (key) where key is not null do nothing
  returning id into v_id;
  return v_id;
end $$;

create function wodnik_jobs_of_utility(p_status text, p_limit int)
returns table (id bigint, kind text, key text, payload jsonb, status text, attempts int, max_attempts int,
               last_error text, run_at timestamptz, created_at timestamptz, finished_at timestamptz)
language sql stable security definer set search_path = public, pg_temp as $$
  select j.id, j.kind, j.key, j.payload, j.status, j.attempts, j.max_attempts, j.last_error, j.run_at, j.created_at, j.finished_at
    from jobs j
   where j.utility_id = app_utility_id() and j.status = p_status
   order by coalesce(j.finished_at, j.created_at) desc, j.id desc
   limit p_limit
$$;

-- A failed job is run again from scratch (its attempts start over).
create function wodnik_retry_job(p_id bigint)
returns boolean language plpgsql security definer set search_path = public, pg_temp as $$
declare v_n int;
begin
  update jobs set status = 'pending', attempts = 0, run_at = now(), locked_at = null, finished_at = null
   where id = p_id and utility_id = app_utility_id() and status = 'failed';
  get diagnostics v_n = row_count;
  return v_n > 0;
end $$;

revoke all on function wodnik_enqueue_job(text, text, jsonb, timestamptz, int) from public;
revoke all on function wodnik_jobs_of_utility(text, int) from public;
revoke all on function wodnik_retry_job(bigint) from public;
grant execute on function wodnik_enqueue_job(text, text, jsonb, timestamptz, int) to wodnik_app;
grant execute on function wodnik_jobs_of_utility(text, int) to wodnik_app;
grant execute on function wodnik_retry_job(bigint) to wodnik_app;
