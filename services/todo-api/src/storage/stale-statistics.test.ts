import { describe, expect, it } from "vitest";
import { summarizeQuery } from "./query-summary.ts";
import { createStaleStatistics, type StaleStatistics } from "./stale-statistics.ts";

const INSERT = "INSERT INTO todos (owner_id, title) VALUES ($1, $2)";

const written = (statistics: StaleStatistics, statement: string, rowCount: number) =>
  statistics.written(summarizeQuery(statement), rowCount);

describe("createStaleStatistics", () => {
  it("makes a table due once more than 50 of its rows were inserted, updated or deleted", () => {
    const statistics = createStaleStatistics();
    expect(written(statistics, INSERT, 30)).toBeUndefined();
    expect(written(statistics, "UPDATE todos SET title = $2 WHERE id = $1", 10)).toBeUndefined();
    expect(written(statistics, "DELETE FROM todos WHERE id = $1", 10)).toBeUndefined();
    expect(written(statistics, INSERT, 1)).toBe("todos");
  });

  it("counts no reads, no statement that wrote nothing, none whose table it cannot name", () => {
    const statistics = createStaleStatistics();
    expect(written(statistics, "SELECT * FROM todos", 500)).toBeUndefined();
    expect(written(statistics, "UPDATE todos SET title = $2 WHERE id = $1", 0)).toBeUndefined();
    expect(written(statistics, "WITH next AS (SELECT 1) UPDATE outbox SET x = 1", 500)).toBe(
      undefined,
    );
    expect(written(statistics, INSERT, 51)).toBe("todos");
  });

  it("counts each table on its own, and from zero again once one is due", () => {
    const statistics = createStaleStatistics();
    expect(written(statistics, "INSERT INTO outbox (id) VALUES ($1)", 50)).toBeUndefined();
    expect(written(statistics, INSERT, 51)).toBe("todos");
    expect(written(statistics, INSERT, 50)).toBeUndefined();
    expect(written(statistics, "INSERT INTO outbox (id) VALUES ($1)", 1)).toBe("outbox");
  });

  it("waits for 10 % of the rows the last analysis found, as autovacuum does", () => {
    const statistics = createStaleStatistics();
    statistics.analyzed("todos", 2000);
    expect(written(statistics, INSERT, 250)).toBeUndefined();
    expect(written(statistics, INSERT, 1)).toBe("todos");
  });

  it("asks for no second analysis of a table while one is under way", () => {
    const statistics = createStaleStatistics();
    expect(written(statistics, INSERT, 51)).toBe("todos");
    expect(written(statistics, INSERT, 51)).toBeUndefined();
    expect(written(statistics, INSERT, 51)).toBeUndefined();
    // A failed analysis keeps the last known count: due at once on the next write.
    statistics.analyzed("todos", undefined);
    expect(written(statistics, INSERT, 1)).toBe("todos");
    statistics.analyzed("todos", 1000);
    expect(written(statistics, INSERT, 150)).toBeUndefined();
  });
});
