import { spawn } from "node:child_process";
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NatsBackend, openNats } from "@tracemesh/mesh";
import {
  freePort,
  killAll,
  type LogLine,
  startNodeProcess,
  TEST_PATH,
  waitFor,
} from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readComposeFile } from "../compose/compose-file.ts";
import { REPO_ROOT } from "../config-files.ts";
import { buildProductionFileSet, type ProductionFileSet } from "./replay-build.ts";

const SERVICES = ["auth", "todo-api", "notifier"];
const compose = readComposeFile();
let dir: string;
let nats: NatsBackend;
const images = new Map<string, ProductionFileSet>();

/** The workspace packages a service reaches through `dependencies` (devDependencies left out). */
function runtimeWorkspacePackages(folder: string, seen = new Set<string>()): Set<string> {
  const manifest = JSON.parse(readFileSync(`${REPO_ROOT}${folder}/package.json`, "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
    if (!version.startsWith("workspace:")) continue;
    const packageFolder = `packages/${name.replace("@tracemesh/", "")}`;
    if (seen.has(packageFolder)) continue;
    seen.add(packageFolder);
    runtimeWorkspacePackages(packageFolder, seen);
  }
  return seen;
}

/** Runs the image's HEALTHCHECK command as Docker would: true when it exits 0. */
function healthcheckPasses(
  image: ProductionFileSet,
  env: Record<string, string>,
): Promise<boolean> {
  return new Promise((resolve) => {
    const check = spawn("/bin/sh", ["-c", image.healthcheck], {
      cwd: image.workdir,
      env: { PATH: TEST_PATH, ...env },
      stdio: "ignore",
    });
    check.on("close", (code) => resolve(code === 0));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tracemesh-image-"));
  nats = await openNats({
    natsUrl: "nats://127.0.0.1:4222",
    mode: "private",
    dataDir: join(dir, "nats"),
    searchPath: TEST_PATH,
  });
  // Three builds at once, as `docker compose build` does: each from the compose build args.
  await Promise.all(
    SERVICES.map(async (service) => {
      const args = compose.services[service]?.build?.args ?? {};
      images.set(service, await buildProductionFileSet(args, join(dir, service)));
    }),
  );
}, 120_000);

afterAll(async () => {
  await killAll();
  await nats?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(SERVICES)("%s's production image, built as the Dockerfile builds it", (service) => {
  const image = () => images.get(service) as ProductionFileSet;
  const app = () => join(image().root, "app");

  test("holds the service and only the workspace packages it needs at run time", () => {
    const packages = readdirSync(join(app(), "packages")).map((each) => `packages/${each}`);
    expect(packages.sort()).toEqual([...runtimeWorkspacePackages(`services/${service}`)].sort());
    expect(readdirSync(join(app(), "services"))).toEqual([service]);
    expect(readdirSync(app()).sort()).toEqual(
      [
        "node_modules",
        "package.json",
        "packages",
        "pnpm-lock.yaml",
        "pnpm-workspace.yaml",
        "services",
      ].sort(),
    );
  });

  test("links each workspace package to its folder, outside node_modules, where Node strips types", () => {
    const linked = join(image().workdir, "node_modules/@tracemesh");
    for (const each of readdirSync(linked)) {
      expect(realpathSync(join(linked, each))).toBe(join(app(), "packages", each));
    }
  });

  test("installs production dependencies only: no dev tools, no Node binary of its own", () => {
    const installed = readdirSync(join(app(), "node_modules/.pnpm"));
    for (const dev of [/^vitest@/, /^@biomejs\+/, /^node@/, /^@tracemesh\+/, /^@types\+k6@/]) {
      expect(
        installed.filter((each) => dev.test(each)),
        String(dev),
      ).toEqual([]);
    }
  });

  test("builds without a warning", () => {
    expect(image().log).toContain("pnpm v");
    expect(image().log).not.toMatch(/warn|ignored build scripts/i);
  });

  test("runs as the image's node user, in the service's folder", () => {
    expect(image().user).toBe("node");
    expect(image().workdir).toBe(join(app(), "services", service));
  });
});

// The three at once, as compose starts them: each waits only for its own HEALTHCHECK.
describe("the production images", () => {
  test.concurrent.for(SERVICES)(
    "%s starts with plain node from those files alone, and its HEALTHCHECK passes",
    { timeout: 45_000 },
    async (service, { expect }) => {
      const image = images.get(service) as ProductionFileSet;
      const [program, ...args] = image.command;
      expect(program).toBe("node");
      const env: Record<string, string> = {
        ...image.env,
        // Free ports instead of the image's: tests run in parallel, and beside a running demo.
        PORT: String(await freePort()),
        METRICS_PORT: String(await freePort()),
        // Nothing listens there: spans are dropped, never sent to a Jaeger this machine runs.
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
        ...(service === "auth" ? {} : { NATS_URL: nats.url ?? "" }),
      };
      expect(nats.url, "nats-server is not installed").toBeDefined();
      const started = startNodeProcess(args, { cwd: image.workdir, env, name: service });
      let ended = false;
      void started.exited.then(() => {
        ended = true;
      });
      await waitFor(
        async () => {
          if (ended)
            throw new Error(`${service} ended:\n${JSON.stringify(started.lines.slice(-5))}`);
          return healthcheckPasses(image, env);
        },
        `${service}'s HEALTHCHECK`,
        30_000,
        250,
      );
      // A probe that came before NATS and the consumer were up got its 503: that is the answer a
      // starting service owes, not a failure.
      const startupProbe = (line: LogLine) =>
        line.event === "http.request" &&
        (line.http as { route?: string } | undefined)?.route === "/health/ready";
      expect(
        started.lines.filter(
          (line) => (line.level === "error" || line.level === "fatal") && !startupProbe(line),
        ),
      ).toEqual([]);
    },
  );
});
