import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { OBSERVABILITY_DIR } from "../config-files.ts";
import { addressesIn } from "./compose-addresses.ts";
import { readComposeFile } from "./compose-file.ts";
import { SERVICE_CONFIGS } from "./service-variables.ts";
import { INTERNAL_PORTS, listeningPorts, STANDARD_PORTS } from "./standard-ports.ts";

const compose = readComposeFile();
const services = Object.entries(compose.services);
const UNPUBLISHED = ["nats", "postgres"];

/** Ports published on the host: `127.0.0.1:<host>:<container>` → [host, container]. */
function published(ports: string[] = []): [number, number][] {
  return ports.map((port) => {
    const match = /^127\.0\.0\.1:(\d+):(\d+)$/.exec(port);
    if (!match) throw new Error(`${port}: publish on 127.0.0.1 only, as host:container`);
    return [Number(match[1]), Number(match[2])];
  });
}

const publishedPorts = new Set(
  services.flatMap(([, service]) => published(service.ports).map(([host]) => host)),
);

// What the wiring names: other services' addresses in the environment and in observability/'s
// configs for docker compose.
const wiring: [string, string][] = [
  ...services.map(([name, service]): [string, string] => [
    `${name}'s environment`,
    Object.values(service.environment ?? {}).join("\n"),
  ]),
  ...[
    "alertmanager/alertmanager.yml",
    "prometheus/targets/compose.yml",
    "grafana/provisioning/datasources/datasources.yml",
    "jaeger/config.yaml",
  ].map((file): [string, string] => [file, readFileSync(`${OBSERVABILITY_DIR}${file}`, "utf8")]),
];

describe("docker-compose.yml's ports follow docs/architecture.md#ports", () => {
  test.each(services.filter(([name]) => STANDARD_PORTS[name]))(
    "%s publishes its standard ports, the same on the host, on 127.0.0.1 only",
    (name, service) => {
      const ports = published(service.ports);
      for (const [host, container] of ports) expect(host, `${name} ${container}`).toBe(container);
      const expected = UNPUBLISHED.includes(name) ? [] : STANDARD_PORTS[name];
      const byNumber = (a: number, b: number) => a - b;
      expect(ports.map(([, container]) => container).sort(byNumber)).toEqual(
        expected?.toSorted(byNumber),
      );
    },
  );

  test.each(UNPUBLISHED)("%s is reachable on the compose network only, on its port", (name) => {
    expect(compose.services[name]?.expose).toEqual(STANDARD_PORTS[name]?.map(String));
  });

  test.each(Object.keys(SERVICE_CONFIGS))(
    "%s is built to listen on its standard ports, its own defaults",
    (name) => {
      const args = compose.services[name]?.build?.args ?? {};
      expect([Number(args.PORT), Number(args.METRICS_PORT)]).toEqual(STANDARD_PORTS[name]);
      const defaults = SERVICE_CONFIGS[name]?.({}) as { port: number };
      expect(defaults.port).toBe(Number(args.PORT));
    },
  );

  test("NATS serves its monitoring port, which its healthcheck asks", () => {
    expect(compose.services.nats?.command).toContain(`--http_port=${INTERNAL_PORTS.nats?.[0]}`);
  });
});

describe("every address the compose wiring names", () => {
  test.each(wiring)("in %s is a compose service on a port it listens on", (_, text) => {
    for (const address of addressesIn(text)) {
      if (address.host === "localhost") {
        // A link for the browser: it must be published.
        expect(publishedPorts, address.text).toContain(address.port);
        continue;
      }
      expect(Object.keys(compose.services), address.text).toContain(address.host);
      expect(listeningPorts(address.host), address.text).toContain(address.port);
    }
  });

  test("the wiring names something: the address check is not vacuous", () => {
    expect(wiring.flatMap(([, text]) => addressesIn(text)).length).toBeGreaterThan(15);
  });

  test.each(services.filter(([, service]) => service.healthcheck))(
    "%s's healthcheck asks a port it listens on",
    (name, service) => {
      const test = service.healthcheck?.test.join(" ") ?? "";
      const port = /127\.0\.0\.1:(\d+)/.exec(test)?.[1];
      if (port === undefined) {
        expect(test, "a healthcheck without a URL names its port").toMatch(/pg_isready/);
        return;
      }
      expect(listeningPorts(name)).toContain(Number(port));
    },
  );
});
