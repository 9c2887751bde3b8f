import { expect, test } from "vitest";
import { querySpanName, summarizeQuery } from "./query-summary.ts";

test.each([
  ["SELECT id FROM todos WHERE id = $1", "SELECT todos"],
  ["  select count(*) from public.todos", "SELECT todos"],
  ["INSERT INTO todos (title) VALUES ($1) RETURNING id", "INSERT todos"],
  ["UPDATE todos SET title = $1", "UPDATE todos"],
  ['DELETE FROM "todos" WHERE id = $1', "DELETE todos"],
  ["-- why\nCREATE TABLE IF NOT EXISTS schema_migrations (name text)", "CREATE schema_migrations"],
  ["SELECT 1", "SELECT"],
  ["BEGIN", "BEGIN"],
  ["", "postgresql"],
])("%s → %s", (text, name) => {
  expect(querySpanName(summarizeQuery(text))).toBe(name);
});
