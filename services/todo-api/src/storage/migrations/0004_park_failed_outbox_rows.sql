-- A row no retry can publish (not a valid CloudEvent, larger than the broker takes) is parked:
-- failed_at and failed_reason say when and why. The relay never claims it again, so it cannot
-- hold back the rows behind it, and pruning never deletes it: it waits for someone to look.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS failed_at timestamptz;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS failed_reason text;

-- The relay's poll reads the rows that are neither published nor parked, in creation order.
DROP INDEX IF EXISTS outbox_pending_idx;
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (position)
  WHERE published_at IS NULL AND failed_at IS NULL;
-- Parked rows, oldest first, for whoever looks after them.
CREATE INDEX IF NOT EXISTS outbox_failed_at_idx ON outbox (failed_at) WHERE failed_at IS NOT NULL;
