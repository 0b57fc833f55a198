-- KSeF offline modes (issue 16, item 5): the utility's KSeF offline
-- certificate, each offline invoice's signed KOD II link, and the versions of
-- an invoice's PDF (an offline invoice's PDF is made again once KSeF gives it
-- its number: the one exception to "a PDF is made once").

-- The KSeF certificate of type Offline (certyfikaty-KSeF.md: keyUsage
-- Non-Repudiation) and its private key, sealed like the sign-in key. Both or none.
alter table ksef_settings add column offline_certificate_pem text;
alter table ksef_settings add column offline_private_key_sealed text;
alter table ksef_settings add constraint ksef_settings_offline_pair
  check ((offline_certificate_pem is null) = (offline_private_key_sealed is null));

-- KOD II of an invoice issued offline (kody-qr.md, "2. KOD II"): the link
-- with the signature over its path, made once when the invoice went offline
-- and printed on every rendering of its offline PDF.
alter table ksef_invoices add column certificate_url text;

-- Every PDF file made for an invoice, and what it shows of KSeF:
--   plain    no KSeF code (the invoice does not go to KSeF)
--   pending  KOD I labelled OFFLINE, no KOD II (waiting for its number)
--   offline  KOD I labelled OFFLINE and KOD II labelled CERTYFIKAT
--   number   KOD I with the KSeF number under it
-- invoices.pdf_file_id is the version served; a replaced one keeps its file
-- (it is what the buyer was sent) and gets replaced_at.
create table invoice_pdf_versions (
  utility_id bigint not null,
  file_id bigint not null,
  invoice_id bigint not null,
  -- null: a file made before versions were recorded (what it shows is not known)
  ksef_view text check (ksef_view in ('plain', 'pending', 'offline', 'number')),
  created_at timestamptz not null default now(),
  replaced_at timestamptz,
  primary key (utility_id, file_id),
  foreign key (utility_id, file_id) references files (utility_id, id),
  foreign key (utility_id, invoice_id) references invoices (utility_id, id)
);
select wodnik_enable_tenant_rls('invoice_pdf_versions');
create index invoice_pdf_versions_invoice on invoice_pdf_versions (utility_id, invoice_id, created_at);
