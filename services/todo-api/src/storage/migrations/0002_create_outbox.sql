-- Events written in the transaction of the todo change they describe
-- (docs/architecture.md#the-queue-hop); the relay publishes them to NATS JetStream and marks them.
-- IF NOT EXISTS: a schema rebuilt from its first migration (todos dropped, outbox kept) must still
-- migrate.
CREATE TABLE IF NOT EXISTS outbox (
  -- The CloudEvent id, sent as Nats-Msg-Id: the stream keeps one copy of a row sent twice.
  id uuid PRIMARY KEY,
  -- Creation order: created_at is the transaction's start, shared by all its rows.
  position bigint GENERATED ALWAYS AS IDENTITY,
  subject text NOT NULL,
  event jsonb NOT NULL,
  -- The trace of the request that wrote the row (W3C text), continued when it is published.
  traceparent text,
  tracestate text,
  baggage text,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  -- How often a relay claimed the row, which relay holds it and until when (a relay that died
  -- lets go when its lease ends), and why the last publication failed.
  attempts integer NOT NULL DEFAULT 0,
  claimed_by uuid,
  claimed_until timestamptz,
  last_error text
);

-- The relay's poll reads pending rows in creation order; published rows stay out of it.
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (position) WHERE published_at IS NULL;
-- Pruning finds published rows by age.
CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON outbox (published_at)
  WHERE published_at IS NOT NULL;
