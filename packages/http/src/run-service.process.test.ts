import { fileURLToPath } from "node:url";
import { killAll, startNodeProcess } from "@tracemesh/testing";
import { afterEach, describe, expect, test } from "vitest";

// A real process, since runService ends it: test-fixtures/failing-service.ts.

const FIXTURE = fileURLToPath(new URL("./test-fixtures/failing-service.ts", import.meta.url));

afterEach(() => killAll());

function startFixture(failAt: "config" | "start") {
  return startNodeProcess([FIXTURE], { env: { FAIL_AT: failAt }, name: "failing-service" });
}

describe("runService", () => {
  test("a bad config: one fatal line naming the variable, exit 1, nothing started", async () => {
    const fixture = startFixture("config");
    expect(await fixture.exited).toEqual([1, null]);
    expect(fixture.lines).toEqual([
      {
        timestamp: expect.any(String),
        level: "fatal",
        service: "fixture",
        event: "config.invalid",
        variable: "FIXTURE_PORT",
        issue: "FIXTURE_PORT must be a port",
      },
    ]);
  });

  test("a start that throws: one <name>.start_failed line with the error, exit 1 whatever it left open", async () => {
    const fixture = startFixture("start");
    expect(await fixture.exited).toEqual([1, null]);
    expect(fixture.lines).toEqual([
      expect.objectContaining({
        level: "error",
        service: "fixture",
        event: "fixture.start_failed",
        error: expect.objectContaining({
          message: "listen EADDRINUSE: address already in use",
          stack: expect.stringContaining("failing-service.ts"),
        }),
      }),
    ]);
  });
});
