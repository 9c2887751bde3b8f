import * as v from "valibot";
import { describe, expect, test } from "vitest";
import { type ConfigExit, configOrExit } from "./config-or-exit.ts";
import { envPort, envSecret } from "./env-values.ts";
import { parseEnv } from "./parse-env.ts";

const Schema = v.object({ PORT: envPort(8080), TOKEN: envSecret });

class Exited extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function recordingExit() {
  const lines: string[] = [];
  const io: ConfigExit = {
    write: (line) => lines.push(line),
    exit: (code) => {
      throw new Exited(code);
    },
  };
  return { io, lines };
}

describe("configOrExit", () => {
  test("returns the config when it parses, writing nothing", () => {
    const { io, lines } = recordingExit();
    expect(configOrExit("svc", () => parseEnv(Schema, { PORT: "9000" }), io)).toEqual({
      PORT: 9000,
    });
    expect(lines).toEqual([]);
  });

  test("a bad variable: one fatal JSON line naming it, never its value, then exit 1", () => {
    const { io, lines } = recordingExit();
    let exited: unknown;
    try {
      configOrExit("svc", () => parseEnv(Schema, { TOKEN: "hunter2" }), io);
    } catch (error) {
      exited = error;
    }
    expect(exited).toBeInstanceOf(Exited);
    expect((exited as Exited).code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\n$/);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      timestamp: expect.any(String),
      level: "fatal",
      service: "svc",
      event: "config.invalid",
      variable: "TOKEN",
      issue: "TOKEN must be at least 16 characters",
    });
    expect(lines[0]).not.toContain("hunter2");
  });

  test("anything but a ConfigError is a bug: it propagates and nothing is written", () => {
    const { io, lines } = recordingExit();
    const bug = new TypeError("not a config problem");
    expect(() =>
      configOrExit(
        "svc",
        () => {
          throw bug;
        },
        io,
      ),
    ).toThrow(bug);
    expect(lines).toEqual([]);
  });
});
