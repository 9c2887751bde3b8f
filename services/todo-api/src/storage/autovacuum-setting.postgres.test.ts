import { captureLogger } from "@tracemesh/logger/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openPostgresTestDatabase, type TestDatabase } from "../test-utils.ts";
import { warnWithoutAutovacuum } from "./autovacuum-setting.ts";
import { createPgClient } from "./pg-client.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await openPostgresTestDatabase();
});
afterAll(() => database?.dispose());

test("warns, with what to do, exactly when this server runs without autovacuum", async () => {
  const { rows } = await database.client.query<{ setting: string }>(
    "SELECT setting FROM pg_settings WHERE name IN ('autovacuum', 'track_counts')",
  );
  const off = rows.some((row) => row.setting === "off");
  const { logger, lines } = captureLogger();

  await expect(warnWithoutAutovacuum(database.client, logger)).resolves.toBe(off);

  const warnings = (await lines()).filter((line) => line.event === "database.autovacuum_off");
  expect(warnings).toEqual(
    off
      ? [
          expect.objectContaining({
            level: "warn",
            remedy: expect.stringContaining("VACUUM ANALYZE"),
          }),
        ]
      : [],
  );
});

test("a server that cannot be asked is not warned about: a debug line says why", async () => {
  const unreachable = createPgClient({
    connectionString: "postgres://postgres@127.0.0.1:1/postgres",
    connectTimeoutMs: 500,
  });
  const { logger, lines } = captureLogger();
  try {
    await expect(warnWithoutAutovacuum(unreachable, logger)).resolves.toBe(false);
    expect((await lines()).map(({ level, event }) => ({ level, event }))).toEqual([
      { level: "debug", event: "database.autovacuum_unknown" },
    ]);
  } finally {
    await unreachable.close();
  }
});
