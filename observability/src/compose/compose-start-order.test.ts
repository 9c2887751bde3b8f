import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { OBSERVABILITY_DIR } from "../config-files.ts";
import { readDockerfile } from "../dockerfile/dockerfile.ts";
import { addressesIn } from "./compose-addresses.ts";
import { type ComposeService, readComposeFile } from "./compose-file.ts";

const compose = readComposeFile();
const services = Object.entries(compose.services);
const running = services.filter(([, service]) => !service.profiles);

// Services whose addresses a service's own config names: what it needs before it starts.
const CONFIGS: Record<string, string> = {
  alertmanager: "alertmanager/alertmanager.yml",
  grafana: "grafana/provisioning/datasources/datasources.yml",
};

// Prometheus scrapes everything (a target that is down is an alert, not a reason to wait) and
// Jaeger asks Prometheus only when its Monitor tab is opened: neither waits for what it names,
// and Jaeger waiting for Prometheus would be a cycle through the services.
const NEEDS_NOTHING_IT_NAMES = ["prometheus", "jaeger"];

function needs(name: string, service: ComposeService): string[] {
  const config = CONFIGS[name];
  const text = [
    ...Object.values(service.environment ?? {}),
    config ? readFileSync(`${OBSERVABILITY_DIR}${config}`, "utf8") : "",
  ].join("\n");
  const hosts = addressesIn(text).map((address) => address.host);
  return [...new Set(hosts)].filter((host) => host !== name && compose.services[host]).sort();
}

const dockerfileHasHealthcheck = (readDockerfile().stages.at(-1)?.instructions ?? []).some(
  (instruction) => instruction.keyword === "HEALTHCHECK",
);

/** Has a healthcheck: its own, or its image's (the Dockerfile's HEALTHCHECK). */
function hasHealthcheck(service: ComposeService): boolean {
  return (
    service.healthcheck !== undefined || (service.build !== undefined && dockerfileHasHealthcheck)
  );
}

describe("docker-compose.yml's start order", () => {
  test.each(running)("%s has a healthcheck", (_, service) => {
    expect(hasHealthcheck(service)).toBe(true);
  });

  test.each(services)("%s waits for what it depends on to be healthy", (_, service) => {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      expect(condition, dependency).toBe("service_healthy");
      const target = compose.services[dependency];
      expect(target && hasHealthcheck(target), dependency).toBe(true);
      expect(target?.profiles, `${dependency} runs without a profile`).toBeUndefined();
    }
  });

  test.each(services.filter(([name]) => !NEEDS_NOTHING_IT_NAMES.includes(name)))(
    "%s starts after every service its configuration names",
    (name, service) => {
      const dependsOn = Object.keys(service.depends_on ?? {});
      for (const needed of needs(name, service)) expect(dependsOn, needed).toContain(needed);
    },
  );

  test("what the services need follows docs/architecture.md#the-request-path", () => {
    const needed = Object.fromEntries(
      services.map(([name, service]) => [name, needs(name, service)]),
    );
    expect(needed["todo-api"]).toEqual(["auth", "jaeger", "nats", "postgres"]);
    expect(needed.notifier).toEqual(["auth", "jaeger", "nats"]);
    expect(needed.alertmanager).toEqual(["notifier"]);
    expect(needed.grafana).toEqual(["jaeger", "prometheus"]);
  });

  test("Prometheus starts after Alertmanager, which it sends the alerts to", () => {
    expect(Object.keys(compose.services.prometheus?.depends_on ?? {})).toContain("alertmanager");
  });
});
