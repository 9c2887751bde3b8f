-- A todo's events go out in the order they were written, whichever relay sends them: a claim
-- skips a row while an earlier pending row of the same todo is leased to another relay
-- (outbox.ts). The leased pending rows are few (the batches in flight, a failed one's until its
-- lease ends): this finds them without reading the whole backlog.
CREATE INDEX IF NOT EXISTS outbox_leased_idx ON outbox (claimed_until)
  WHERE published_at IS NULL AND failed_at IS NULL AND claimed_by IS NOT NULL;
