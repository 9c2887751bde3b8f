CREATE TABLE todos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  completed boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- Millisecond precision: what a JavaScript Date (and so a page cursor) can hold exactly.
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

-- Keyset pagination walks (created_at, id) in order.
CREATE INDEX todos_created_at_id_idx ON todos (created_at, id);
