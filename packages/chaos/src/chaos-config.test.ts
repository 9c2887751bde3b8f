import { ConfigError, envPort, parseEnv } from "@tracemesh/config";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import { chaosEnvEntries, chaosSettings } from "./chaos-config.ts";

// A service's schema built the way the services build theirs.
const Schema = v.pipe(
  v.object({ PORT: envPort(8080), ...chaosEnvEntries }),
  v.transform((env) => ({ port: env.PORT, chaos: chaosSettings(env) })),
);

const TOKEN = "chaos-token-for-tests-0123456789";

function failure(env: Record<string, string>): ConfigError {
  try {
    parseEnv(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("the environment was accepted");
}

describe("chaos settings", () => {
  test("chaos is off by default, even with a token set", () => {
    expect(parseEnv(Schema, {})).toEqual({ port: 8080, chaos: undefined });
    expect(parseEnv(Schema, { CHAOS_TOKEN: TOKEN }).chaos).toBeUndefined();
  });

  test("CHAOS_ENABLED=true with a token gives the token, next to the service's own settings", () => {
    expect(parseEnv(Schema, { PORT: "9000", CHAOS_ENABLED: "true", CHAOS_TOKEN: TOKEN })).toEqual({
      port: 9000,
      chaos: { token: TOKEN },
    });
  });

  test("CHAOS_ENABLED=true without a token is chaos without fault controls, not a bad config", () => {
    expect(parseEnv(Schema, { CHAOS_ENABLED: "true" }).chaos).toEqual({ token: undefined });
  });

  test("a bad flag or a short token names its variable", () => {
    expect(failure({ CHAOS_ENABLED: "yes" }).variable).toBe("CHAOS_ENABLED");
    const short = failure({ CHAOS_ENABLED: "true", CHAOS_TOKEN: "short-token" });
    expect(short.variable).toBe("CHAOS_TOKEN");
    expect(short.message).toBe("CHAOS_TOKEN must be at least 16 characters");
    expect(failure({ CHAOS_TOKEN: "short-token" }).variable).toBe("CHAOS_TOKEN");
  });
});
