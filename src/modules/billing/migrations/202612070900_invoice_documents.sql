-- An issued invoice or correction is stored once and never altered: the
-- whole document (src/modules/billing/invoice-document.ts, as JSON) that the
-- PDF and the XML are made from, and the FA(3) XML bytes exactly as made
-- (KSeF's KOD I hashes what was sent, so the bytes are kept, not rebuilt).
alter table invoices add column document jsonb;
alter table invoices add column xml bytea;
alter table invoices add column series text;
-- household | business | community: the buyer's kind as the XML states it.
alter table invoices add column buyer_kind text check (buyer_kind in ('household', 'business', 'community'));
