import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import { envChoice, envFlag, envPort, envSecret, envText, envUrl } from "./env-values.ts";
import { ConfigError, parseEnv } from "./parse-env.ts";

const Schema = v.object({
  PORT: envPort(8080),
  CHAOS_ENABLED: envFlag(false),
  LOG_LEVEL: envChoice(["info", "debug"], "info"),
  NAME: envText("todo-api"),
  AUTH_URL: envUrl("http://127.0.0.1:8081"),
  WEBHOOK_URL: envUrl(),
  TOKEN: envSecret,
});

function errorOf(env: Record<string, string>): ConfigError {
  try {
    parseEnv(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv", () => {
  test("applies defaults, and an empty variable means its default", () => {
    expect(parseEnv(Schema, { PORT: "", CHAOS_ENABLED: "" })).toEqual({
      PORT: 8080,
      CHAOS_ENABLED: false,
      LOG_LEVEL: "info",
      NAME: "todo-api",
      AUTH_URL: "http://127.0.0.1:8081",
    });
  });

  test("a URL without a fallback is undefined when unset, kept when set", () => {
    expect(parseEnv(Schema, {}).WEBHOOK_URL).toBeUndefined();
    expect(parseEnv(Schema, { WEBHOOK_URL: " https://hooks.example.com/a " }).WEBHOOK_URL).toBe(
      "https://hooks.example.com/a",
    );
  });

  test("converts set values", () => {
    const config = parseEnv(Schema, { PORT: " 0 ", CHAOS_ENABLED: "TRUE", LOG_LEVEL: "debug" });
    expect(config).toMatchObject({ PORT: 0, CHAOS_ENABLED: true, LOG_LEVEL: "debug" });
  });

  test.each([
    [{ PORT: "70000" }, "PORT", "must be at most 65535"],
    [{ PORT: "80a" }, "PORT", "must be a whole number"],
    [{ CHAOS_ENABLED: "yes" }, "CHAOS_ENABLED", "must be true or false"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", "must be one of info, debug"],
    [{ AUTH_URL: "not a url" }, "AUTH_URL", "must be a URL"],
    [{ AUTH_URL: "ftp://files.example.com" }, "AUTH_URL", "must be an http(s) URL"],
    [{ AUTH_URL: "auth:8081" }, "AUTH_URL", "must be an http(s) URL"],
    [{ WEBHOOK_URL: "ftp://files.example.com" }, "WEBHOOK_URL", "must be an http(s) URL"],
    // No bearer header could carry these: the service would refuse every caller.
    [
      { TOKEN: "correct horse battery staple" },
      "TOKEN",
      "must be one word of visible ASCII (no spaces)",
    ],
    [
      { TOKEN: "mot-de-passe-très-secret" },
      "TOKEN",
      "must be one word of visible ASCII (no spaces)",
    ],
  ])("names the bad variable: %j", (env, variable, issue) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`${variable} ${issue}`);
  });

  test("never echoes a bad value, which may be a secret", () => {
    const error = errorOf({ TOKEN: "hunter2" });
    expect(error.variable).toBe("TOKEN");
    expect(error.message).not.toContain("hunter2");
  });
});

describe("parseEnv with <VARIABLE>_FILE", () => {
  async function secretFile(content: string): Promise<string> {
    const file = join(await mkdtemp(join(tmpdir(), "tracemesh-config-")), "token");
    await writeFile(file, content);
    return file;
  }

  test("reads the variable's value from the file, without its last line break", async () => {
    const file = await secretFile("a-token-from-a-secret-file\n");
    expect(parseEnv(Schema, { TOKEN_FILE: file }).TOKEN).toBe("a-token-from-a-secret-file");
  });

  test("the file's value is checked like the variable's", async () => {
    const file = await secretFile("short\n");
    expect(errorOf({ TOKEN_FILE: file }).variable).toBe("TOKEN");
  });

  test("a file that cannot be read names the _FILE variable, not its path", () => {
    const error = errorOf({ TOKEN_FILE: "/no/such/dir/token" });
    expect(error.variable).toBe("TOKEN_FILE");
    expect(error.message).not.toContain("/no/such/dir");
  });

  test("both the variable and its _FILE is an error: which one was meant?", async () => {
    const file = await secretFile("a-token-from-a-secret-file");
    expect(errorOf({ TOKEN: "a-token-from-the-environment", TOKEN_FILE: file }).variable).toBe(
      "TOKEN",
    );
  });

  test("only variables the schema reads: another _FILE variable is left alone", () => {
    expect(parseEnv(Schema, { KUBECONFIG_FILE: "/no/such/file" })).not.toHaveProperty("KUBECONFIG");
  });
});
