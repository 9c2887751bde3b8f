-- The owner is auth's `subject` for the token that created the todo: opaque, never parsed here.
ALTER TABLE todos ADD COLUMN owner_id text CHECK (char_length(owner_id) BETWEEN 1 AND 255);

-- Todos written before auth existed have no owner: they stay stored, and nobody sees them
-- (every query matches owner_id = $1). NOT VALID spares them the check, while every todo
-- written from now on must have one.
ALTER TABLE todos ADD CONSTRAINT todos_owner_id_required CHECK (owner_id IS NOT NULL) NOT VALID;

-- Every list walks one owner's todos in (created_at, id) order.
DROP INDEX IF EXISTS todos_created_at_id_idx;
CREATE INDEX todos_owner_created_at_id_idx ON todos (owner_id, created_at, id);
