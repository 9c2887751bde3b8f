import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("defaults to OTLP/HTTP's port on loopback", () => {
    expect(parseConfig({})).toEqual({
      PORT: 4318,
      HOST: "127.0.0.1",
      MAX_TRACES: 1000,
      MAX_SPANS_PER_TRACE: 10_000,
      MAX_BODY_BYTES: 16 * 1024 * 1024,
    });
  });

  it("reads the environment", () => {
    expect(parseConfig({ PORT: "0", HOST: "0.0.0.0", MAX_TRACES: "5" })).toMatchObject({
      PORT: 0,
      HOST: "0.0.0.0",
      MAX_TRACES: 5,
    });
  });

  it.each([
    [{ PORT: "http" }, /^invalid PORT: /],
    [{ PORT: "70000" }, /^invalid PORT: /],
    [{ MAX_TRACES: "0" }, /^invalid MAX_TRACES: /],
  ])("names the bad variable in %j", (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
});
