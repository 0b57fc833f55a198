-- The large values a billing run writes (each invoice's document and XML,
-- each previewed bill) are compressed with lz4 instead of the default pglz:
-- at 100,000 invoices pglz was the largest single cost of storing them
-- (about a third of the COPY of the invoices), lz4 compresses several times
-- faster for a little less compression. Existing values stay as they are
-- (both read alike). A server built without lz4 keeps pglz: the setting is
-- then skipped, nothing else changes.
do $$
begin
  alter table invoices alter column document set compression lz4, alter column xml set compression lz4;
  alter table billing_run_items alter column draft set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
  raise notice 'lz4 is not available here: the billing columns keep the default compression';
end $$;
