-- The customer's ledger page (portal "Faktury i saldo", staff customer view) reads, per request, the
-- customer's invoices and payments and the allocations of each. A customer's rows are written months
-- apart (one billing run, one statement a time), so each sits on its own heap page: at 100,000
-- customers with three years of history a request touched ~70 pages that were rarely in shared
-- buffers (bench/ledger-api.bench.sh). These indexes hold the columns the ledger reads, so the
-- reads are index-only scans over a few adjacent leaf pages instead of a heap page per row. They
-- replace the plain indexes on the same keys (same leading columns, so every other use still finds
-- them).
create index payments_ledger_invoices_customer on invoices (utility_id, customer_id, issue_date desc)
  include (kind, id, contract_id, invoice_number, due_date, gross_grosze, created_at);
drop index invoices_customer;
create index payments_ledger_payments_customer on payments (utility_id, customer_id, booked_on desc)
  include (id, amount_grosze, ledger_kind, title, created_at);
drop index payments_customer;
create index payments_ledger_allocations_invoice on payment_allocations (utility_id, invoice_id) include (amount_grosze);
drop index payment_allocations_invoice;
create index payments_ledger_allocations_payment on payment_allocations (utility_id, payment_id) include (amount_grosze);
drop index payment_allocations_payment;
