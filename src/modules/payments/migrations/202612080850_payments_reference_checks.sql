-- The references that a statement import writes in bulk are checked once per
-- statement, over all its rows, instead of by a foreign-key trigger per row
-- (as the readings do, 202611260202_readings_meter_time_unique.sql): a
-- statement of 100,000 lines inserts 100,000 payments, lines and allocations,
-- and their 600,000 per-row key checks (each a lookup that also locks the
-- parent row) were more than half of the import's database work. The rules are
-- the foreign keys' (NO ACTION): every line names its import and (when it has
-- one) its payment, every allocation its payment and its invoice, charge or
-- refund, every payment with a customer that customer, all of the same
-- utility; and a row that any of them names cannot be deleted or given another
-- key. (The application never deletes payments, invoices, customers, charges,
-- refunds or imports.) The line's own key to utilities goes: its import's
-- key to utilities says the same.
alter table bank_statement_lines drop constraint bank_statement_lines_utility_id_fkey;
alter table bank_statement_lines drop constraint bank_statement_lines_utility_id_import_id_fkey;
alter table bank_statement_lines drop constraint bank_statement_lines_utility_id_payment_id_fkey;
alter table payment_allocations drop constraint payment_allocations_utility_id_payment_id_fkey;
alter table payment_allocations drop constraint payment_allocations_utility_id_invoice_id_fkey;
alter table payment_allocations drop constraint payment_allocations_charge;
alter table payment_allocations drop constraint payment_allocations_refund;
alter table payments drop constraint payments_utility_id_customer_id_fkey;

-- Each check probes the parent's primary key row by row (`offset 0` keeps the
-- planner from turning it into an anti-join): plpgsql keeps the plan it made for
-- the first statement of a session, and a hash anti-join planned for a large
-- statement would then read the whole parent table for every small one.
create function bank_statement_lines_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_lines n
             where not exists (select 1 from payment_imports i where i.utility_id = n.utility_id and i.id = n.import_id offset 0)) then
    raise foreign_key_violation using message = 'a statement line names an import that does not exist', constraint = 'bank_statement_lines_import_exists';
  end if;
  if exists (select 1 from new_lines n
             where n.payment_id is not null
               and not exists (select 1 from payments p where p.utility_id = n.utility_id and p.id = n.payment_id offset 0)) then
    raise foreign_key_violation using message = 'a statement line names a payment that does not exist', constraint = 'bank_statement_lines_payment_exists';
  end if;
  return null;
end $$;
create trigger bank_statement_lines_references_on_insert after insert on bank_statement_lines
  referencing new table as new_lines for each statement execute function bank_statement_lines_check_references();
create trigger bank_statement_lines_references_on_update after update on bank_statement_lines
  referencing new table as new_lines for each statement execute function bank_statement_lines_check_references();

create function payment_allocations_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_allocations n
             where not exists (select 1 from payments p where p.utility_id = n.utility_id and p.id = n.payment_id offset 0)) then
    raise foreign_key_violation using message = 'an allocation names a payment that does not exist', constraint = 'payment_allocations_payment_exists';
  end if;
  if exists (select 1 from new_allocations n
             where n.invoice_id is not null
               and not exists (select 1 from invoices i where i.utility_id = n.utility_id and i.id = n.invoice_id offset 0)) then
    raise foreign_key_violation using message = 'an allocation names an invoice that does not exist', constraint = 'payment_allocations_invoice_exists';
  end if;
  if exists (select 1 from new_allocations n
             where n.charge_id is not null
               and not exists (select 1 from ledger_charges c where c.utility_id = n.utility_id and c.id = n.charge_id offset 0)) then
    raise foreign_key_violation using message = 'an allocation names a charge that does not exist', constraint = 'payment_allocations_charge_exists';
  end if;
  if exists (select 1 from new_allocations n
             where n.refund_id is not null
               and not exists (select 1 from payment_refunds r where r.utility_id = n.utility_id and r.id = n.refund_id offset 0)) then
    raise foreign_key_violation using message = 'an allocation names a refund that does not exist', constraint = 'payment_allocations_refund_exists';
  end if;
  return null;
end $$;
create trigger payment_allocations_references_on_insert after insert on payment_allocations
  referencing new table as new_allocations for each statement execute function payment_allocations_check_references();
create trigger payment_allocations_references_on_update after update on payment_allocations
  referencing new table as new_allocations for each statement execute function payment_allocations_check_references();

create function payments_check_references() returns trigger language plpgsql as $$
begin
  if exists (select 1 from new_payments n
             where n.customer_id is not null
               and not exists (select 1 from customers c where c.utility_id = n.utility_id and c.id = n.customer_id offset 0)) then
    raise foreign_key_violation using message = 'a payment names a customer that does not exist', constraint = 'payments_customer_exists';
  end if;
  return null;
end $$;
create trigger payments_references_on_insert after insert on payments
  referencing new table as new_payments for each statement execute function payments_check_references();
create trigger payments_references_on_update after update on payments
  referencing new table as new_payments for each statement execute function payments_check_references();

-- The other side: a row that lines, allocations or payments name is neither
-- deleted nor re-keyed (fires only on a delete or a change of its key, which
-- the application never makes).
create function payments_keep_referenced() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.utility_id = old.utility_id and new.id = old.id then
    return new;
  end if;
  if tg_table_name = 'payment_imports' and exists (select 1 from bank_statement_lines l where l.utility_id = old.utility_id and l.import_id = old.id) then
    raise foreign_key_violation using message = 'the import has statement lines', constraint = 'bank_statement_lines_import_exists';
  end if;
  if tg_table_name = 'payments' and exists (select 1 from bank_statement_lines l where l.utility_id = old.utility_id and l.payment_id = old.id) then
    raise foreign_key_violation using message = 'the payment has a statement line', constraint = 'bank_statement_lines_payment_exists';
  end if;
  if tg_table_name = 'payments' and exists (select 1 from payment_allocations a where a.utility_id = old.utility_id and a.payment_id = old.id) then
    raise foreign_key_violation using message = 'the payment has allocations', constraint = 'payment_allocations_payment_exists';
  end if;
  if tg_table_name = 'invoices' and exists (select 1 from payment_allocations a where a.utility_id = old.utility_id and a.invoice_id = old.id) then
    raise foreign_key_violation using message = 'the invoice has allocations', constraint = 'payment_allocations_invoice_exists';
  end if;
  if tg_table_name = 'ledger_charges' and exists (select 1 from payment_allocations a where a.utility_id = old.utility_id and a.charge_id = old.id) then
    raise foreign_key_violation using message = 'the charge has allocations', constraint = 'payment_allocations_charge_exists';
  end if;
  if tg_table_name = 'payment_refunds' and exists (select 1 from payment_allocations a where a.utility_id = old.utility_id and a.refund_id = old.id) then
    raise foreign_key_violation using message = 'the refund has allocations', constraint = 'payment_allocations_refund_exists';
  end if;
  if tg_table_name = 'customers' and exists (select 1 from payments p where p.utility_id = old.utility_id and p.customer_id = old.id) then
    raise foreign_key_violation using message = 'the customer has payments', constraint = 'payments_customer_exists';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger payment_imports_references_on_change before delete or update of id, utility_id on payment_imports
  for each row execute function payments_keep_referenced();
create trigger payments_references_on_change before delete or update of id, utility_id on payments
  for each row execute function payments_keep_referenced();
create trigger invoices_references_on_change before delete or update of id, utility_id on invoices
  for each row execute function payments_keep_referenced();
create trigger ledger_charges_references_on_change before delete or update of id, utility_id on ledger_charges
  for each row execute function payments_keep_referenced();
create trigger payment_refunds_references_on_change before delete or update of id, utility_id on payment_refunds
  for each row execute function payments_keep_referenced();
create trigger customers_references_on_change before delete or update of id, utility_id on customers
  for each row execute function payments_keep_referenced();
-- (No index for the check on deleting an import: imports are never deleted, and
-- an index on the lines' import would cost every inserted line.)
