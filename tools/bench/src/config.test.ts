import { describe, expect, test } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  test("the full run's defaults", () => {
    expect(loadConfig({}, [])).toMatchObject({
      BENCH_SECONDS: 5,
      BENCH_ROUNDS: 3,
      BENCH_REQUESTS: 100_000,
      BENCH_QUEUE_RATE: 200,
      BENCH_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
    });
  });

  test("--quick shortens what is not set, and leaves the rates alone", () => {
    expect(loadConfig({}, ["--quick"])).toMatchObject({
      BENCH_SECONDS: 3,
      BENCH_ROUNDS: 1,
      BENCH_REQUESTS: 5_000,
      BENCH_OUTBOX_EVENTS: 500,
      BENCH_QUEUE_SECONDS: 3,
      BENCH_QUEUE_RATE: 200,
      BENCH_BREAKER_RATE: 500,
    });
  });

  test("with --quick, a variable that is set still wins", () => {
    const config = loadConfig({ BENCH_ROUNDS: "2", BENCH_SECONDS: "" }, ["--quick"]);
    expect(config.BENCH_ROUNDS).toBe(2);
    expect(config.BENCH_SECONDS).toBe(3);
  });

  test("a bad value names its variable", () => {
    expect(() => loadConfig({ BENCH_ROUNDS: "0" }, [])).toThrow(/BENCH_ROUNDS/);
  });
});
