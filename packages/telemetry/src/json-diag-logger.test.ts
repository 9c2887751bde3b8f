import { afterEach, describe, expect, it, vi } from "vitest";
import { createJsonDiagLogger } from "./json-diag-logger.ts";

function captureStdout() {
  const spy = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  return () =>
    spy.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as Record<string, unknown>);
}

describe("createJsonDiagLogger", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("writes SDK diagnostics as JSON log lines", () => {
    const lines = captureStdout();
    createJsonDiagLogger({ service: "auth" }).warn("dropping invalid attribute", "http.foo");
    expect(lines()).toEqual([
      {
        timestamp: expect.any(String),
        level: "warn",
        event: "telemetry.diagnostic",
        service: "auth",
        message: "dropping invalid attribute",
        details: ["http.foo"],
      },
    ]);
  });

  it("keeps the readable part of the exceptions the SDK passes as JSON strings", () => {
    const lines = captureStdout();
    const exception = JSON.stringify({
      stack: "Error: connect ECONNREFUSED 127.0.0.1:4318\n    at TCPConnectWrap.afterConnect",
      message: "connect ECONNREFUSED 127.0.0.1:4318",
      name: "Error",
    });
    createJsonDiagLogger().error(exception);
    expect(lines()[0]?.message).toBe("Error: connect ECONNREFUSED 127.0.0.1:4318");
  });

  it("writes a repeated message once per window: a down collector fails every batch", () => {
    const lines = captureStdout();
    const now = vi.spyOn(Date, "now").mockReturnValue(1_000);
    const logger = createJsonDiagLogger({ repeatWindowMs: 60_000 });
    logger.error("export failed");
    logger.error("export failed");
    logger.error("another failure");
    now.mockReturnValue(61_001);
    logger.error("export failed");
    expect(lines().map((line) => line.message)).toEqual([
      "export failed",
      "another failure",
      "export failed",
    ]);
  });
});
