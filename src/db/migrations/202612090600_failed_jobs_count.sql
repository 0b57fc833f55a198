-- The staff overview's count of failed background jobs. The job queue's table is
-- the owner's alone (wodnik_app reaches it through security-definer functions,
-- 202612071010_job_queue.sql); this one counts the caller's utility's failed jobs
-- by the partial index jobs_failed.
create function wodnik_failed_jobs_count()
returns int language sql stable security definer set search_path = public, pg_temp as $$
  select count(*)::int from jobs j where j.utility_id = app_utility_id() and j.status = 'failed'
$$;

revoke all on function wodnik_failed_jobs_count() from public;
grant execute on function wodnik_failed_jobs_count() to wodnik_app;
