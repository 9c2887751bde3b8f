-- Wakes the relay as soon as a write commits its event, instead of at its next poll: each
-- statement that inserts outbox rows notifies `outbox_inserted`, which PostgreSQL delivers at
-- commit (never for a rollback) and folds into one per transaction. The relay LISTENs; its
-- poll stays the safety net for a notification lost with a dropped connection. The payload is
-- the table's schema: a channel is the whole database's, and other schemas may have outboxes.
CREATE OR REPLACE FUNCTION notify_outbox_inserted() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_inserted', TG_TABLE_SCHEMA);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS outbox_inserted ON outbox;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_inserted();
