-- E-invoice consents as recorded (issue 14, item 8): given in the portal by a
-- signed-in customer, recorded by staff from a signed paper form whose scan
-- is kept in `files`, or carried over from the utility's previous system
-- (`migrated`: the demo data's customers who were on e-invoices already). Who recorded a consent or its withdrawal is kept
-- beside the terms acceptance (which says who accepted, when, which version
-- and from which address).
alter table einvoice_consents add column source text not null default 'portal' check (source in ('portal', 'paper_form', 'migrated'));
alter table einvoice_consents add column form_file_id bigint;
alter table einvoice_consents add column recorded_by bigint;
alter table einvoice_consents add column withdrawn_by bigint;
alter table einvoice_consents add foreign key (utility_id, form_file_id) references files (utility_id, id);
alter table einvoice_consents add foreign key (utility_id, recorded_by) references users (utility_id, id);
alter table einvoice_consents add foreign key (utility_id, withdrawn_by) references users (utility_id, id);
alter table einvoice_consents add check (source <> 'paper_form' or form_file_id is not null);
alter table einvoice_consents add check (withdrawn_effective_from is null or withdrawn_at is not null);
-- One standing consent per customer: a second one is refused (einvoice.already_active).
create unique index einvoice_consents_standing on einvoice_consents (utility_id, customer_id) where withdrawn_at is null;
create index einvoice_consents_customer on einvoice_consents (utility_id, customer_id, granted_at desc);

-- Corrections of an invoice, found from the invoice.
create index invoices_corrects on invoices (utility_id, corrects_invoice_id) where corrects_invoice_id is not null;
