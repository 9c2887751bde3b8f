import { existsSync, readFileSync } from "node:fs";
import { dirname, posix } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { ALERTMANAGER_CONFIG, REPO_ROOT } from "../config-files.ts";
import {
  bindMounts,
  type ComposeService,
  readComposeFile,
  repositoryPathOf,
  secretSource,
} from "./compose-file.ts";

const compose = readComposeFile();
const services = Object.entries(compose.services);
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name}`);
  return found;
};

/** The absolute paths a service's command, entrypoint and environment name. */
function containerPaths(each: ComposeService): string[] {
  const texts = [
    ...(each.command ?? []),
    ...(each.entrypoint ?? []),
    ...Object.values(each.environment ?? {}),
  ];
  return texts.flatMap((text) => [...text.matchAll(/(?<![\w$])\/[\w./-]+/g)].map((m) => m[0]));
}

/** The value of a `--flag=value` argument of the service's command. */
function flag(each: ComposeService, name: string): string | undefined {
  const argument = each.command?.find((arg) => arg.startsWith(`${name}=`));
  return argument?.slice(name.length + 1);
}

describe("the files docker-compose.yml names", () => {
  test.each(services)(
    "%s's bind mounts exist, read-only but for a folder git ignores",
    (_, each) => {
      const ignored = readFileSync(`${REPO_ROOT}.gitignore`, "utf8").split("\n");
      for (const [target, source] of bindMounts(each)) {
        expect(existsSync(`${REPO_ROOT}${source}`), `${source} (mounted at ${target})`).toBe(true);
      }
      for (const volume of each.volumes ?? []) {
        if (!volume.startsWith(".") || volume.endsWith(":ro")) continue;
        // load/results: the k6 job's summaries, as a local run writes them.
        const source = volume.split(":")[0]?.replace(/^\.\//, "");
        expect(ignored, `${volume} is written: git must ignore it`).toContain(`${source}/*`);
      }
    },
  );

  test.each(services)(
    "every path %s's command, entrypoint and environment name under a mount exists",
    (_, each) => {
      for (const path of containerPaths(each)) {
        const file = repositoryPathOf(compose, each, path);
        if (file !== undefined) expect(existsSync(`${REPO_ROOT}${file}`), path).toBe(true);
      }
    },
  );

  test("those paths are many: configs, secrets, dashboards and scripts", () => {
    const resolved = services.flatMap(([, each]) =>
      containerPaths(each).filter((path) => repositoryPathOf(compose, each, path) !== undefined),
    );
    expect(resolved.length).toBeGreaterThan(10);
  });

  test("the services are built from the repository's Dockerfile", () => {
    expect(existsSync(`${REPO_ROOT}Dockerfile`)).toBe(true);
  });

  test("every secret is a file of demo-secrets/, documented in its README, and used", () => {
    const readme = readFileSync(`${REPO_ROOT}demo-secrets/README.md`, "utf8");
    const used = new Set(services.flatMap(([, each]) => (each.secrets ?? []).map(secretSource)));
    for (const [name, secret] of Object.entries(compose.secrets)) {
      expect(secret.file, name).toMatch(/^\.\/demo-secrets\/[a-z-]+$/);
      expect(existsSync(`${REPO_ROOT}${secret.file}`), secret.file).toBe(true);
      expect(readme, `${secret.file} is not in demo-secrets/README.md`).toContain(
        `\`${secret.file.replace("./demo-secrets/", "")}\``,
      );
      expect(used, `secret ${name} is never mounted`).toContain(name);
    }
  });
});

describe("Prometheus, Alertmanager, Grafana and Jaeger read observability/ where it is", () => {
  test("Prometheus: observability/prometheus/ mounted where --config.file points", () => {
    const prometheus = service("prometheus");
    const config = flag(prometheus, "--config.file") ?? "";
    expect(repositoryPathOf(compose, prometheus, config)).toBe(
      "observability/prometheus/prometheus.yml",
    );
    // Its rules and target files are read relative to the config: the whole folder is there.
    expect(repositoryPathOf(compose, prometheus, dirname(config))).toBe("observability/prometheus");
  });

  test("Prometheus keeps the 30 days the SLO's error budget is counted over (its default: 15)", () => {
    expect(flag(service("prometheus"), "--storage.tsdb.retention.time")).toBe("30d");
  });

  test("Alertmanager: its config, and the notifier's token where the config's credentials_file says", () => {
    const alertmanager = service("alertmanager");
    const config = flag(alertmanager, "--config.file") ?? "";
    expect(repositoryPathOf(compose, alertmanager, config)).toBe(
      "observability/alertmanager/alertmanager.yml",
    );
    const parsed = parse(readFileSync(ALERTMANAGER_CONFIG, "utf8")) as {
      receivers: {
        webhook_configs: { http_config: { authorization: { credentials_file: string } } }[];
      }[];
    };
    const files = parsed.receivers.flatMap((receiver) =>
      receiver.webhook_configs.map((hook) => hook.http_config.authorization.credentials_file),
    );
    for (const file of new Set(files)) {
      expect(repositoryPathOf(compose, alertmanager, `${dirname(config)}/${file}`)).toBe(
        "demo-secrets/alerts-token",
      );
    }
  });

  test("Grafana: the provisioning, and the dashboards where the provider reads them", () => {
    const grafana = service("grafana");
    expect(repositoryPathOf(compose, grafana, "/etc/grafana/provisioning")).toBe(
      "observability/grafana/provisioning",
    );
    const providers = parse(
      readFileSync(
        `${REPO_ROOT}observability/grafana/provisioning/dashboards/dashboards.yml`,
        "utf8",
      ),
    ) as { providers: { options: { path: string } }[] };
    for (const provider of providers.providers) {
      expect(repositoryPathOf(compose, grafana, provider.options.path)).toBe(
        "observability/grafana/dashboards",
      );
    }
  });

  test("Jaeger: observability/jaeger/config.yaml, given to it by --config", () => {
    const jaeger = service("jaeger");
    const config = jaeger.command?.[jaeger.command.indexOf("--config") + 1] ?? "";
    expect(repositoryPathOf(compose, jaeger, config)).toBe("observability/jaeger/config.yaml");
  });
});

describe("the load profile", () => {
  test("only the k6 job is in it: `docker compose up` alone never replays load", () => {
    const profiled = services.filter(([, each]) => each.profiles).map(([name]) => name);
    expect(profiled).toEqual(["load"]);
    expect(service("load").profiles).toEqual(["load"]);
  });

  test("it runs load/smoke.js, then the script its command names (load/incident.js)", () => {
    const load = service("load");
    const script = load.entrypoint?.[2] ?? "";
    expect(load.entrypoint?.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(script).toMatch(
      /^k6 run \/scripts\/load\/smoke\.js && exec k6 run "\/scripts\/load\/\$\$1"$/,
    );
    expect(load.command).toEqual(["incident.js"]);
    for (const each of ["smoke.js", "incident.js", "outage.js"]) {
      expect(repositoryPathOf(compose, load, `/scripts/load/${each}`)).toBe(`load/${each}`);
      expect(existsSync(`${REPO_ROOT}load/${each}`), each).toBe(true);
    }
  });

  test("outage.js finds the chaos token where it looks by default: demo-secrets/ beside load/", () => {
    const opened = /open\("([^"]*chaos-token)"\)/.exec(
      readFileSync(`${REPO_ROOT}load/outage.js`, "utf8"),
    );
    expect(opened, "outage.js opens no chaos-token").not.toBeNull();
    // k6 resolves open() against the script's own folder.
    const path = posix.normalize(`/scripts/load/${opened?.[1]}`);
    expect(repositoryPathOf(compose, service("load"), path)).toBe("demo-secrets/chaos-token");
  });

  test.each(["smoke.js", "incident.js"])(
    "%s, which drives no chaos, reads no secret: it runs from load/ alone",
    (script) => {
      expect(readFileSync(`${REPO_ROOT}load/${script}`, "utf8")).not.toMatch(/demo-secrets/);
    },
  );
});
