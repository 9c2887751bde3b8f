import { PGlite } from "@electric-sql/pglite";
import { waitFor } from "@tracemesh/testing";
import { expect, test } from "vitest";
import { type AutovacuumFailure, startAutovacuum } from "./pglite-autovacuum.ts";
import { summarizeQuery } from "./query-summary.ts";

test("an ANALYZE or VACUUM that fails is told, not swallowed", async () => {
  const db = await PGlite.create("memory://");
  try {
    const failures: AutovacuumFailure[] = [];
    const autovacuum = await startAutovacuum(db, (failure) => failures.push(failure));
    // Rows updated in a table that is gone by the time its work runs.
    autovacuum.written(summarizeQuery("UPDATE vanished SET title = $1"), 500);
    await waitFor(() => failures.length === 2, "both jobs to fail");
    expect(failures.map(({ table, work }) => ({ table, work }))).toEqual([
      { table: "vanished", work: "analyze" },
      { table: "vanished", work: "vacuum" },
    ]);
    expect(String(failures[0]?.error)).toMatch(/vanished/);
  } finally {
    await db.close();
  }
}, 30_000);
