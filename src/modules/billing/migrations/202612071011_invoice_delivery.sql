-- Delivery of an issued invoice (the invoice.deliver job): when its e-mail
-- was queued. Set in the same transaction that queues the e-mail, and only
-- when still null, so a job that runs twice sends one e-mail.
alter table invoices add column delivered_at timestamptz;
-- The print batch reads a run's paper invoices in route and address order.
create index invoices_paper on invoices (utility_id, issue_date) where delivery = 'paper';
