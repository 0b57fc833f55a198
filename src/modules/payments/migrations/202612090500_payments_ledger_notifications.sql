-- The portal's ledger page in memory (src/modules/payments/ledger/cache.ts):
-- every statement that writes a table the page reads (LEDGER_TABLES in
-- src/modules/payments/ledger/read.ts) announces on commit, on the channel
-- `wodnik_ledger`, the utility it wrote in ('*' when written outside a tenant
-- context, by the owner: a bulk load), once per statement, so an import of
-- 100,000 lines costs a few notifications, not one per row. Every server
-- process forgets that utility's pages (src/db/change-feed.ts).
create or replace function wodnik_payments_notify_ledger_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('wodnik_ledger', coalesce(app_utility_id()::text, '*'));
  return null;
end $$;

create trigger invoices_ledger_cache after insert or update or delete or truncate on invoices
  for each statement execute function wodnik_payments_notify_ledger_change();
create trigger payments_ledger_cache after insert or update or delete or truncate on payments
  for each statement execute function wodnik_payments_notify_ledger_change();
create trigger payment_allocations_ledger_cache after insert or update or delete or truncate on payment_allocations
  for each statement execute function wodnik_payments_notify_ledger_change();
create trigger payment_refunds_ledger_cache after insert or update or delete or truncate on payment_refunds
  for each statement execute function wodnik_payments_notify_ledger_change();
create trigger ledger_charges_ledger_cache after insert or update or delete or truncate on ledger_charges
  for each statement execute function wodnik_payments_notify_ledger_change();
