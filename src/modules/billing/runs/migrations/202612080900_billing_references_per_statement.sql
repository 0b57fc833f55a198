-- The references of invoices, invoice lines and billing run items are
-- checked once per statement, over all its rows, instead of by a
-- foreign-key trigger per row (as readings' are since
-- 202611260202_readings_meter_time_unique.sql): a billing run of 100,000
-- contracts COPYs 100,000 invoices (a customer and a contract each) and
-- ~280,000 lines (their invoice), and stores and updates 100,000 run items
-- (a contract, then an invoice) — close to a million per-row checks, each a
-- separate index probe through the executor. The rules are the foreign keys'
-- (NO ACTION, and invoice lines still go with their invoice): every
-- reference names an existing row of the same utility, and a referenced row
-- cannot be deleted or renumbered while something names it. The triggers'
-- names contain `_references_on_`, the mark of such checks (demo/bulk.ts
-- skips them where it skips foreign keys).
alter table invoices drop constraint invoices_utility_id_customer_id_fkey;
alter table invoices drop constraint invoices_utility_id_contract_id_fkey;
alter table invoices drop constraint invoices_utility_id_corrects_invoice_id_fkey;
alter table invoices drop constraint invoices_utility_id_pdf_file_id_fkey;
alter table invoice_lines drop constraint invoice_lines_utility_id_invoice_id_fkey;
alter table billing_run_items drop constraint billing_run_items_utility_id_contract_id_fkey;
alter table billing_run_items drop constraint billing_run_items_utility_id_invoice_id_fkey;

create function invoices_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_invoices n
             where not exists (select 1 from customers c where c.utility_id = n.utility_id and c.id = n.customer_id)) then
    raise foreign_key_violation using message = 'an invoice names a customer that does not exist', constraint = 'invoices_customer_exists';
  end if;
  if exists (select 1 from new_invoices n
             where n.contract_id is not null
               and not exists (select 1 from contracts c where c.utility_id = n.utility_id and c.id = n.contract_id)) then
    raise foreign_key_violation using message = 'an invoice names a contract that does not exist', constraint = 'invoices_contract_exists';
  end if;
  if exists (select 1 from new_invoices n
             where n.corrects_invoice_id is not null
               and not exists (select 1 from invoices i where i.utility_id = n.utility_id and i.id = n.corrects_invoice_id)) then
    raise foreign_key_violation using message = 'a correction names an invoice that does not exist', constraint = 'invoices_corrected_exists';
  end if;
  if exists (select 1 from new_invoices n
             where n.pdf_file_id is not null
               and not exists (select 1 from files f where f.utility_id = n.utility_id and f.id = n.pdf_file_id)) then
    raise foreign_key_violation using message = 'an invoice names a PDF file that does not exist', constraint = 'invoices_pdf_exists';
  end if;
  return null;
end $$;
create trigger invoices_references_on_insert after insert on invoices
  referencing new table as new_invoices for each statement execute function invoices_check_references();
create trigger invoices_references_on_update after update on invoices
  referencing new table as new_invoices for each statement execute function invoices_check_references();

create function invoice_lines_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_lines n
             where not exists (select 1 from invoices i where i.utility_id = n.utility_id and i.id = n.invoice_id)) then
    raise foreign_key_violation using message = 'an invoice line names an invoice that does not exist', constraint = 'invoice_lines_invoice_exists';
  end if;
  return null;
end $$;
create trigger invoice_lines_references_on_insert after insert on invoice_lines
  referencing new table as new_lines for each statement execute function invoice_lines_check_references();
create trigger invoice_lines_references_on_update after update on invoice_lines
  referencing new table as new_lines for each statement execute function invoice_lines_check_references();

create function billing_run_items_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_items n
             where not exists (select 1 from contracts c where c.utility_id = n.utility_id and c.id = n.contract_id)) then
    raise foreign_key_violation using message = 'a billing run item names a contract that does not exist', constraint = 'billing_run_items_contract_exists';
  end if;
  if exists (select 1 from new_items n
             where n.invoice_id is not null
               and not exists (select 1 from invoices i where i.utility_id = n.utility_id and i.id = n.invoice_id)) then
    raise foreign_key_violation using message = 'a billing run item names an invoice that does not exist', constraint = 'billing_run_items_invoice_exists';
  end if;
  return null;
end $$;
create trigger billing_run_items_references_on_insert after insert on billing_run_items
  referencing new table as new_items for each statement execute function billing_run_items_check_references();
create trigger billing_run_items_references_on_update after update on billing_run_items
  referencing new table as new_items for each statement execute function billing_run_items_check_references();

-- The referenced side: what the foreign keys refused (or, for an invoice's
-- lines, cascaded) on a delete or a change of key.
create function billing_keep_referenced() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.utility_id = old.utility_id and new.id = old.id then
    return new;
  end if;
  if tg_table_name = 'customers' and exists (select 1 from invoices i where i.utility_id = old.utility_id and i.customer_id = old.id) then
    raise foreign_key_violation using message = 'the customer has invoices', constraint = 'invoices_customer_exists';
  end if;
  if tg_table_name = 'contracts' then
    if exists (select 1 from invoices i where i.utility_id = old.utility_id and i.contract_id = old.id) then
      raise foreign_key_violation using message = 'the contract has invoices', constraint = 'invoices_contract_exists';
    end if;
    if exists (select 1 from billing_run_items b where b.utility_id = old.utility_id and b.contract_id = old.id) then
      raise foreign_key_violation using message = 'the contract is in a billing run', constraint = 'billing_run_items_contract_exists';
    end if;
  end if;
  if tg_table_name = 'files' and exists (select 1 from invoices i where i.utility_id = old.utility_id and i.pdf_file_id = old.id) then
    raise foreign_key_violation using message = 'the file is an invoice''s PDF', constraint = 'invoices_pdf_exists';
  end if;
  if tg_table_name = 'invoices' then
    if exists (select 1 from invoices i where i.utility_id = old.utility_id and i.corrects_invoice_id = old.id) then
      raise foreign_key_violation using message = 'the invoice has a correction', constraint = 'invoices_corrected_exists';
    end if;
    if exists (select 1 from billing_run_items b where b.utility_id = old.utility_id and b.invoice_id = old.id) then
      raise foreign_key_violation using message = 'the invoice belongs to a billing run item', constraint = 'billing_run_items_invoice_exists';
    end if;
    if tg_op = 'DELETE' then
      -- Lines go with their invoice (the foreign key was ON DELETE CASCADE).
      delete from invoice_lines l where l.utility_id = old.utility_id and l.invoice_id = old.id;
    elsif exists (select 1 from invoice_lines l where l.utility_id = old.utility_id and l.invoice_id = old.id) then
      raise foreign_key_violation using message = 'the invoice has lines', constraint = 'invoice_lines_invoice_exists';
    end if;
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger customers_references_on_change_invoices before delete or update of id, utility_id on customers
  for each row execute function billing_keep_referenced();
create trigger contracts_references_on_change_invoices before delete or update of id, utility_id on contracts
  for each row execute function billing_keep_referenced();
create trigger files_references_on_change_invoices before delete or update of id, utility_id on files
  for each row execute function billing_keep_referenced();
-- (`invoices_references_on_change` is the payments' check, 202612080850.)
create trigger invoices_references_on_change_billing before delete or update of id, utility_id on invoices
  for each row execute function billing_keep_referenced();
-- (No new indexes: the checks on the referenced side look rows up as the
-- foreign keys' did, by the indexes there are: invoices by customer, contract
-- and correction have theirs; a deleted file or contract is rare.)
