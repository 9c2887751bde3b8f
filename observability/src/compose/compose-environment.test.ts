import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../config-files.ts";
import {
  type ComposeService,
  readComposeFile,
  readComposeText,
  repositoryPathOf,
  secretTarget,
} from "./compose-file.ts";
import { configReads, SERVICE_CONFIGS, serviceReads } from "./service-variables.ts";

const compose = readComposeFile();
const built = Object.keys(SERVICE_CONFIGS).map(
  (name) => [name, compose.services[name] ?? {}] as [string, ComposeService],
);

/** The service's environment with each `_FILE` pointing at the repository's file instead. */
function localEnvironment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => {
      if (!name.endsWith("_FILE")) return [name, value];
      return [name, `${REPO_ROOT}${repositoryPathOf(compose, service, value)}`];
    }),
  );
}

/** Every variable the k6 scripts read: `__ENV.NAME`, and `env.NAME` in load/lib/config.js. */
function loadScriptVariables(): Set<string> {
  const files = [
    ...readdirSync(`${REPO_ROOT}load`).map((file) => `load/${file}`),
    ...readdirSync(`${REPO_ROOT}load/lib`).map((file) => `load/lib/${file}`),
  ].filter((file) => file.endsWith(".js"));
  const names = files.flatMap((file) =>
    [
      ...readFileSync(`${REPO_ROOT}${file}`, "utf8").matchAll(
        /\b(?:__ENV|env)\.([A-Z][A-Z0-9_]*)/g,
      ),
    ].map((match) => match[1] ?? ""),
  );
  return new Set(names);
}

describe.each(built)("%s's environment in docker-compose.yml", (name, service) => {
  const load = SERVICE_CONFIGS[name] ?? (() => undefined);

  test("names only variables the service, its telemetry preload or the OpenTelemetry SDK reads", () => {
    const unknown = Object.keys(service.environment ?? {}).filter(
      (variable) => !serviceReads(name, variable.replace(/_FILE$/, "")),
    );
    expect(unknown).toEqual([]);
  });

  test("reads each secret from a file compose mounts for it", () => {
    const mounted = (service.secrets ?? []).map(secretTarget);
    for (const [variable, value] of Object.entries(service.environment ?? {})) {
      if (!variable.endsWith("_FILE")) continue;
      expect(configReads(load, variable.replace(/_FILE$/, "")), variable).toBe(true);
      expect(mounted, variable).toContain(value);
    }
  });

  test("parses: every value agrees with the service's config schema", () => {
    expect(() => load(localEnvironment(service))).not.toThrow();
  });

  test("docker stop waits out its SIGTERM path: the grace period, then the drain", () => {
    const config = load(localEnvironment(service)) as {
      shutdown: { graceMs: number; drainTimeoutMs: number };
    };
    const seconds = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? "")?.[1]);
    expect(seconds * 1000).toBeGreaterThan(
      config.shutdown.graceMs + config.shutdown.drainTimeoutMs,
    );
  });

  test("turns the chaos controls on, with the demo's token", () => {
    const config = load(localEnvironment(service)) as { chaos?: { token?: string } };
    expect(config.chaos?.token).toBe(
      readFileSync(`${REPO_ROOT}demo-secrets/chaos-token`, "utf8").trim(),
    );
  });
});

describe("secrets in docker-compose.yml", () => {
  test("no demo secret is written in it: they are mounted from demo-secrets/", () => {
    const text = readComposeText();
    for (const file of ["chaos-token", "service-token", "alerts-token"]) {
      const secret = readFileSync(`${REPO_ROOT}demo-secrets/${file}`, "utf8").trim();
      expect(text.includes(secret), file).toBe(false);
    }
  });

  test("auth and the notifier share one SERVICE_TOKEN", () => {
    const [auth, notifier] = ["auth", "notifier"].map((name) => {
      const service = compose.services[name] ?? {};
      return repositoryPathOf(compose, service, service.environment?.SERVICE_TOKEN_FILE ?? "");
    });
    expect(auth).toBe("demo-secrets/service-token");
    expect(notifier).toBe(auth);
  });
});

describe("the k6 job's environment", () => {
  test("names only variables the load scripts read", () => {
    const read = loadScriptVariables();
    expect(read.size).toBeGreaterThan(5);
    const unknown = Object.keys(compose.services.load?.environment ?? {}).filter(
      (variable) => !read.has(variable),
    );
    expect(unknown).toEqual([]);
  });
});
