import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const pkcs8 = (key: KeyObject) => key.export({ format: "pem", type: "pkcs8" }).toString();
const rsaKeyPem = pkcs8(generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey);
const ed25519KeyPem = pkcs8(generateKeyPairSync("ed25519").privateKey);

describe("loadConfig", () => {
  test("JWT_PRIVATE_KEY: an Ed25519 PKCS#8 PEM, its line breaks real or written \\n", () => {
    expect(loadConfig({ JWT_PRIVATE_KEY: ed25519KeyPem }).tokens.privateKeyPem).toBe(ed25519KeyPem);
    const oneLine = ed25519KeyPem.replaceAll("\n", "\\n");
    expect(loadConfig({ JWT_PRIVATE_KEY: oneLine }).tokens.privateKeyPem).toBe(ed25519KeyPem);
  });

  test("defaults follow docs/architecture.md#ports: auth on 8081, chaos off", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8081,
      logLevel: "info",
      chaos: undefined,
      serviceToken: undefined,
      tokens: {
        issuer: "tracemesh-auth",
        audience: "tracemesh",
        ttlSeconds: 900,
        clockSkewSeconds: 60,
      },
      loginRateLimit: { windowMs: 60_000, perClient: 30, perUsername: 10 },
      trustedProxyHops: 0,
    });
  });

  test("reads every setting from its variable", () => {
    const config = loadConfig({
      PORT: "9000",
      CHAOS_ENABLED: "TRUE",
      CHAOS_TOKEN: "chaos-token-0123456789",
      SERVICE_TOKEN: "service-token-0123456789",
      TOKEN_TTL_SECONDS: "120",
      TOKEN_CLOCK_SKEW_SECONDS: "5",
      LOGIN_RATE_LIMIT_WINDOW_SECONDS: "10",
      TRUSTED_PROXY_HOPS: "1",
      REQUEST_BUDGET_MS: "1500",
    });
    expect(config.port).toBe(9000);
    expect(config.chaos).toEqual({ token: "chaos-token-0123456789" });
    expect(config.serviceToken).toBe("service-token-0123456789");
    expect(config.tokens.ttlSeconds).toBe(120);
    expect(config.tokens.clockSkewSeconds).toBe(5);
    expect(config.loginRateLimit.windowMs).toBe(10_000);
    expect(config.trustedProxyHops).toBe(1);
    expect(config.requestBudgetMs).toBe(1500);
  });

  test("CHAOS_ENABLED=true without CHAOS_TOKEN starts, with no fault controls to mount", () => {
    expect(loadConfig({ CHAOS_ENABLED: "true" }).chaos).toEqual({ token: undefined });
  });

  test("an empty variable means its default", () => {
    expect(loadConfig({ PORT: "", CHAOS_TOKEN: "" }).port).toBe(8081);
  });

  test.each([
    [{ PORT: "80a" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ CHAOS_ENABLED: "yes" }, "CHAOS_ENABLED"],
    [{ CHAOS_ENABLED: "true", CHAOS_TOKEN: "short-token" }, "CHAOS_TOKEN"],
    [{ SERVICE_TOKEN: "short" }, "SERVICE_TOKEN"],
    [{ TOKEN_TTL_SECONDS: "5" }, "TOKEN_TTL_SECONDS"],
    [{ TOKEN_CLOCK_SKEW_SECONDS: "3600" }, "TOKEN_CLOCK_SKEW_SECONDS"],
    [{ JWT_PRIVATE_KEY: "not a pem" }, "JWT_PRIVATE_KEY"],
    [{ JWT_PRIVATE_KEY: rsaKeyPem }, "JWT_PRIVATE_KEY"],
  ])("%j names %s and not its value", (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    for (const value of Object.values(env)) {
      if (value.length > 4) expect((thrown as ConfigError).message).not.toContain(value);
    }
  });
});
