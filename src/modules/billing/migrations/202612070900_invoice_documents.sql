-- An issued invoice or correction is stored once and never altered: the
-- whole document (src/modules/billing/invoice-document.ts, as JSON) that the
-- PDF and the XML are made from, and the FA(3) XML bytes exactly as made
-- (KSeF's KOD I hashes what was sent, so the bytes are kept, not rebuilt).
alter table invoices add column document jsonb;
alter table invoices add column xml bytea;
alter table invoices add column series text;
-- household | business | community: the buyer's kind as the XML states it.
alter table invoices add column buyer_kind text check (buyer_kind in ('household', 'business', 'community'));

-- E-invoice consent (the seed's E-FAKTURA). A consent changes the delivery
-- channel from the start of the next billing period after it is given
-- (effective_from), and a withdrawal from the start of the next period after
-- it (withdrawn_effective_from); billing reads the channel of each day from
-- these two dates (src/modules/billing/delivery.ts).
alter table einvoice_consents add column withdrawn_effective_from date;
-- true: the e-invoice is also e-mailed (with its PDF); false: the portal only.
alter table einvoice_consents add column by_email boolean not null default true;
