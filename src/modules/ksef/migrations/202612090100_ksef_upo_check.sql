-- A UPO that does not validate against upo-v4-3.xsd is not the invoice's
-- UPO (issue 16, "Bad input"): the invoice keeps its KSeF number, the bytes
-- KSeF sent are kept here for diagnosis with the validator's first message,
-- and the UPO is fetched again by the send job until a valid one comes.
-- The UPO's state is derived, not stored:
--   valid    upo is not null
--   invalid  upo is null and upo_invalid is not null   (code ksef.upo_invalid)
--   missing  accepted, both null (the fetch failed)     fetched again too
alter table ksef_invoices add column upo_invalid bytea;
alter table ksef_invoices add column upo_problem text;
-- The KSeF session whose UPO path serves the invoice's UPO: its own session,
-- or for a duplicate the session that first took it.
alter table ksef_invoices add column upo_session_ref text;
alter table ksef_invoices add column upo_attempts int not null default 0;
alter table ksef_invoices add constraint ksef_invoices_upo_one check (upo is null or upo_invalid is null);

update ksef_invoices k set upo_session_ref = s.reference_number
  from ksef_sessions s
 where s.utility_id = k.utility_id and s.id = k.session_id and k.state = 'accepted';

-- The send job's look-up of UPOs to fetch again.
create index ksef_invoices_upo_pending on ksef_invoices (utility_id, invoice_id) where state = 'accepted' and upo is null;
