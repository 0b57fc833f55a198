-- Outbox delivery: when the next attempt may run (retries back off), and the
-- SMTP server's message id of a delivered message.
alter table email_outbox add column next_attempt_at timestamptz not null default now();
alter table email_outbox add column message_id text;
create index email_outbox_due on email_outbox (next_attempt_at) where status = 'pending';
