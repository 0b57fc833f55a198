-- Cases (sprawy): what the customer side and the staff inbox need beyond the
-- core tables.

-- A failure report says where (an address or a description of the spot).
alter table cases add column place text;
-- When the thread last had a message the customer sees (staff reply or the
-- customer's own): the Pulpit and the lists show it without reading threads.
alter table cases add column last_message_at timestamptz;
update cases c set last_message_at = m.at
  from (select utility_id, case_id, max(created_at) as at from case_messages where not internal group by utility_id, case_id) m
  where m.utility_id = c.utility_id and m.case_id = c.id;

-- Open = new, in_progress, waiting_for_customer (src/modules/cases/rules.ts).
-- The inbox pages by (created_at, id) newest first, or by (due_on, id): each
-- filter combination it offers has an index that yields rows in that order,
-- so a page reads about as many index entries as it shows (keyset paging),
-- even with a million cases.
create index cases_inbox_all on cases (utility_id, created_at desc, id desc);
create index cases_inbox_open on cases (utility_id, created_at desc, id desc)
  where status in ('new', 'in_progress', 'waiting_for_customer');
create index cases_inbox_status on cases (utility_id, status, created_at desc, id desc);
create index cases_inbox_kind_open on cases (utility_id, kind, created_at desc, id desc)
  where status in ('new', 'in_progress', 'waiting_for_customer');
create index cases_inbox_assignee on cases (utility_id, assignee_id, created_at desc, id desc)
  where status in ('new', 'in_progress', 'waiting_for_customer');
create index cases_inbox_due on cases (utility_id, due_on, id)
  where status in ('new', 'in_progress', 'waiting_for_customer') and due_on is not null;

-- Case numbers SPR/<year>/<n> come from number_series (series 'SPR', period
-- the year), advanced in the transaction that stores the case. Cases made
-- before this migration (demo data) continue their year's series.
insert into number_series (utility_id, series, period, last_number)
select utility_id, 'SPR', split_part(case_number, '/', 2), max(split_part(case_number, '/', 3)::int)
  from cases
 where case_number ~ '^SPR/[0-9]{4}/[0-9]+$'
 group by utility_id, split_part(case_number, '/', 2)
on conflict (utility_id, series, period) do update set last_number = greatest(number_series.last_number, excluded.last_number);
