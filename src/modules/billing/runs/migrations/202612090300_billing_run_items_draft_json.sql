-- A run item's bill (`draft`) is kept as `json`, not `jsonb`: the run
-- writes it once in the preview and reads it back once as text when the
-- invoice is issued (the stored invoice document, `invoices.document`,
-- stays jsonb). As jsonb the server took every bill apart into its binary
-- form on the way in (numbers into numeric, keys sorted) and printed it
-- again on the way out: at 100,000 contracts about two thirds of the
-- server's CPU while the preview stored its bills. As json it only checks
-- that the text is JSON and keeps it as written.
alter table billing_run_items alter column draft type json using draft::json;
-- The type change keeps the column's compression; set it again where lz4
-- exists (202612080700), a server without lz4 keeps the default.
do $$
begin
  alter table billing_run_items alter column draft set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
  raise notice 'lz4 is not available here: billing_run_items.draft keeps the default compression';
end $$;
