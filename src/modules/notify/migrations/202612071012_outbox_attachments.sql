-- Attachments of a queued e-mail (an invoice's PDF): references to stored
-- files, [{"fileId": 12, "filename": "FV-2026-12-000123.pdf"}], read by the
-- outbox worker when it sends the message (the bytes are not copied).
alter table email_outbox add column attachments jsonb not null default '[]';
