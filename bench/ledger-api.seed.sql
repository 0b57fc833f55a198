-- A realistic ledger for every customer of zgk-demo (bench/ledger-api.bench.sh), generated in SQL:
-- three years of bimonthly invoices (18 per customer, 2024-01 to 2026-11, on the customer's first
-- contract), a bank payment for each with its allocation, most on time and in full, some late,
-- every 10th customer with one partial payment a year, every 20th with the last two unpaid, every
-- 50th with one overpayment that the next invoice takes, every 25th with an interest note.
-- Run once as the schema owner (psql -v ON_ERROR_STOP=1 -f); skipped when the bench invoices exist.
-- Row-by-row triggers are skipped (session_replication_role = replica), as the seed does for speed;
-- the rows are consistent by construction.
\set ON_ERROR_STOP 1
select exists (select 1 from invoices where invoice_number like 'FV/LB/%') as seeded \gset
\if :seeded
\echo ledger already seeded
\else
begin;
set local session_replication_role = replica;
set local work_mem = '256MB';

create temp table lb_customers on commit drop as
  select c.utility_id, c.id as customer_id,
         (select min(k.id) from contracts k where k.utility_id = c.utility_id and k.customer_id = c.id) as contract_id
    from customers c join utilities u on u.id = c.utility_id
   where u.slug = 'zgk-demo';

-- 18 invoices per customer: issued at the end of every second month, due 14 days later.
insert into invoices (utility_id, invoice_number, kind, customer_id, contract_id, issue_date, sale_date, period_from, period_to,
                      due_date, net_grosze, vat_grosze, gross_grosze, series, buyer_kind, delivery, created_at)
select c.utility_id, 'FV/LB/' || k || '/' || c.customer_id, 'invoice', c.customer_id, c.contract_id, d.issue, d.issue,
       (d.issue - interval '2 months' + interval '1 day')::date, d.issue, d.issue + 14,
       g.gross - g.gross * 8 / 108, g.gross * 8 / 108, g.gross, 'FV', 'household', 'paper', d.issue + time '08:00'
  from lb_customers c
 cross join generate_series(0, 17) k
 cross join lateral (select (date '2024-02-01' + make_interval(months => 2 * k))::date - 1 as issue) d
 cross join lateral (select 6000 + ((c.customer_id * 37 + k * 101) % 9000)::bigint as gross) g;

-- Interest notes for every 25th customer (one, paid with the next payment below).
insert into ledger_charges (utility_id, customer_id, contract_id, kind, reference, amount_grosze, entry_date, due_date, created_at)
select utility_id, customer_id, contract_id, 'interest_note', 'NO/LB/' || customer_id, 1234, date '2025-06-15', date '2025-06-29', timestamptz '2025-06-15 08:00+00'
  from lb_customers where customer_id % 25 = 0;

-- One payment per invoice (the last two of every 20th customer unpaid); amounts: in full, half
-- (every 10th customer, once a year), the invoice plus 50 zł (every 50th, once), plus the note.
create temp table lb_pay on commit drop as
select i.utility_id, i.customer_id, i.id as invoice_id, i.gross_grosze, i.invoice_number,
       split_part(i.invoice_number, '/', 3)::int as k,
       case when i.customer_id % 10 = 0 and split_part(i.invoice_number, '/', 3)::int % 6 = 2 then i.gross_grosze / 2
            when i.customer_id % 50 = 0 and split_part(i.invoice_number, '/', 3)::int = 5 then i.gross_grosze + 5000
            when i.customer_id % 50 = 0 and split_part(i.invoice_number, '/', 3)::int = 6 then i.gross_grosze - 5000
            when i.customer_id % 25 = 0 and split_part(i.invoice_number, '/', 3)::int = 9 then i.gross_grosze + 1234
            else i.gross_grosze end as amount,
       i.due_date - 3 + ((i.customer_id + i.id) % 9)::int + case when i.customer_id % 7 = 0 then 20 else 0 end as booked_on
  from invoices i join lb_customers c on c.utility_id = i.utility_id and c.customer_id = i.customer_id
 where i.invoice_number like 'FV/LB/%'
   and not (i.customer_id % 20 = 0 and split_part(i.invoice_number, '/', 3)::int >= 16)
   and i.issue_date + 14 - 3 <= date '2026-12-07';

alter table lb_pay add column payment_id bigint;
update lb_pay set payment_id = nextval(pg_get_serial_sequence('payments', 'id'));

insert into payments (utility_id, id, customer_id, amount_grosze, booked_on, channel, title, payer_name, external_ref, created_at)
select utility_id, payment_id, customer_id, amount, booked_on, 'bank', 'Opłata za fakturę ' || invoice_number, 'Klient ' || customer_id,
       'lb:' || invoice_id, booked_on + time '12:00'
  from lb_pay;

-- Allocations: each payment to its invoice (at most the invoice); the half payments' rest stays
-- open, an overpayment goes to the next invoice (k + 1), whose own payment is that much less;
-- the note's payment pays the note too.
insert into payment_allocations (utility_id, payment_id, invoice_id, amount_grosze, created_at)
select utility_id, payment_id, invoice_id, least(amount, gross_grosze), booked_on + time '12:00' from lb_pay;
insert into payment_allocations (utility_id, payment_id, invoice_id, amount_grosze, created_at)
select p.utility_id, p.payment_id, n.id, p.amount - p.gross_grosze, p.booked_on + time '12:00'
  from lb_pay p join invoices n on n.utility_id = p.utility_id and n.invoice_number = 'FV/LB/' || (p.k + 1) || '/' || p.customer_id
 where p.customer_id % 50 = 0 and p.k = 5;
insert into payment_allocations (utility_id, payment_id, charge_id, amount_grosze, created_at)
select p.utility_id, p.payment_id, c.id, 1234, p.booked_on + time '12:00'
  from lb_pay p join ledger_charges c on c.utility_id = p.utility_id and c.customer_id = p.customer_id and c.reference = 'NO/LB/' || p.customer_id
 where p.customer_id % 25 = 0 and p.k = 9;
commit;
vacuum analyze invoices;
vacuum analyze payments;
vacuum analyze payment_allocations;
vacuum analyze ledger_charges;
\endif
