import { captureLogger } from "@tracemesh/logger/testing";
import { expect, test } from "vitest";
import { warnWithoutAutovacuum } from "./autovacuum-setting.ts";
import type { SqlExecutor } from "./sql-client.ts";

// The server's own setting is tested against PostgreSQL (autovacuum-setting.postgres.test.ts),
// which gives one of these answers; here, each of them.
function serverWith(settings: { autovacuum: string; track_counts: string }): SqlExecutor {
  return {
    query: async <Row>() => ({ rows: [settings as Row], rowCount: 1 }),
    exec: async () => {},
  } as SqlExecutor;
}

async function warningsFor(client: SqlExecutor) {
  const { logger, lines } = captureLogger();
  const warned = await warnWithoutAutovacuum(client, logger);
  const logged = (await lines()).filter((line) => line.level === "warn");
  return { warned, logged };
}

test("a server with autovacuum on and counting rows gets no warning", async () => {
  expect(await warningsFor(serverWith({ autovacuum: "on", track_counts: "on" }))).toEqual({
    warned: false,
    logged: [],
  });
});

test.each([
  [{ autovacuum: "off", track_counts: "on" }, ["autovacuum"]],
  [{ autovacuum: "on", track_counts: "off" }, ["track_counts"]],
  [{ autovacuum: "off", track_counts: "off" }, ["autovacuum", "track_counts"]],
])("%o gets one warning naming %o and what to do", async (settings, named) => {
  const { warned, logged } = await warningsFor(serverWith(settings));
  expect(warned).toBe(true);
  expect(logged).toEqual([
    expect.objectContaining({
      event: "database.autovacuum_off",
      settings: named,
      remedy: expect.stringContaining("VACUUM ANALYZE"),
    }),
  ]);
});
