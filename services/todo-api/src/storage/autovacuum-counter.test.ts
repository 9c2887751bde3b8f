import { describe, expect, it } from "vitest";
import {
  ANALYZE_RULE,
  type AutovacuumCounter,
  createAutovacuumCounter,
  VACUUM_RULE,
} from "./autovacuum-counter.ts";
import { summarizeQuery } from "./query-summary.ts";

const INSERT = "INSERT INTO todos (owner_id, title) VALUES ($1, $2)";
const UPDATE = "UPDATE todos SET title = $2 WHERE id = $1";
const DELETE = "DELETE FROM todos WHERE id = $1";

const written = (counter: AutovacuumCounter, statement: string, rowCount: number) =>
  counter.written(summarizeQuery(statement), rowCount);

describe("createAutovacuumCounter with ANALYZE_RULE", () => {
  it("makes a table due once more than 50 of its rows were inserted, updated or deleted", () => {
    const analysis = createAutovacuumCounter(ANALYZE_RULE);
    expect(written(analysis, INSERT, 30)).toBeUndefined();
    expect(written(analysis, UPDATE, 10)).toBeUndefined();
    expect(written(analysis, DELETE, 10)).toBeUndefined();
    expect(written(analysis, INSERT, 1)).toBe("todos");
  });

  it("counts no reads, no statement that wrote nothing, none whose table it cannot name", () => {
    const analysis = createAutovacuumCounter(ANALYZE_RULE);
    expect(written(analysis, "SELECT * FROM todos", 500)).toBeUndefined();
    expect(written(analysis, UPDATE, 0)).toBeUndefined();
    expect(written(analysis, "WITH next AS (SELECT 1) UPDATE outbox SET x = 1", 500)).toBe(
      undefined,
    );
    expect(written(analysis, INSERT, 51)).toBe("todos");
  });

  it("counts each table on its own, and from zero again once one is due", () => {
    const analysis = createAutovacuumCounter(ANALYZE_RULE);
    expect(written(analysis, "INSERT INTO outbox (id) VALUES ($1)", 50)).toBeUndefined();
    expect(written(analysis, INSERT, 51)).toBe("todos");
    expect(written(analysis, INSERT, 50)).toBeUndefined();
    expect(written(analysis, "INSERT INTO outbox (id) VALUES ($1)", 1)).toBe("outbox");
  });

  it("waits for 10 % of the rows the last analysis found, as autovacuum does", () => {
    const analysis = createAutovacuumCounter(ANALYZE_RULE);
    analysis.done("todos", 2000);
    expect(written(analysis, INSERT, 250)).toBeUndefined();
    expect(written(analysis, INSERT, 1)).toBe("todos");
  });

  it("asks for no second analysis of a table while one is under way", () => {
    const analysis = createAutovacuumCounter(ANALYZE_RULE);
    expect(written(analysis, INSERT, 51)).toBe("todos");
    expect(written(analysis, INSERT, 51)).toBeUndefined();
    expect(written(analysis, INSERT, 51)).toBeUndefined();
    // A failed analysis keeps the last known count: due at once on the next write.
    analysis.done("todos", undefined);
    expect(written(analysis, INSERT, 1)).toBe("todos");
    analysis.done("todos", 1000);
    expect(written(analysis, INSERT, 150)).toBeUndefined();
  });
});

describe("createAutovacuumCounter with VACUUM_RULE", () => {
  it("counts the rows updated or deleted, each leaving a dead one, and no insert", () => {
    const vacuum = createAutovacuumCounter(VACUUM_RULE);
    expect(written(vacuum, INSERT, 5000)).toBeUndefined();
    expect(written(vacuum, UPDATE, 30)).toBeUndefined();
    expect(written(vacuum, DELETE, 20)).toBeUndefined();
    expect(written(vacuum, UPDATE, 1)).toBe("todos");
  });

  it("waits for 20 % of the rows the last vacuum found, as autovacuum does", () => {
    const vacuum = createAutovacuumCounter(VACUUM_RULE);
    vacuum.done("outbox", 1000);
    expect(written(vacuum, "UPDATE outbox SET published_at = now()", 250)).toBeUndefined();
    expect(written(vacuum, "DELETE FROM outbox WHERE id = $1", 1)).toBe("outbox");
  });
});
