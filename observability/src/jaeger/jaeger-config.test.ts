import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { readComposeFile } from "../compose/compose-file.ts";
import { INTERNAL_PORTS, STANDARD_PORTS } from "../compose/standard-ports.ts";
import { OBSERVABILITY_DIR, PROMETHEUS_DIR, REPO_ROOT } from "../config-files.ts";
import { readDockerfile } from "../dockerfile/dockerfile.ts";
import {
  type ComponentKind,
  componentType,
  JAEGER_COMPONENTS,
  JAEGER_VERSION,
} from "./jaeger-components.ts";

interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}

interface JaegerConfig extends Partial<Record<ComponentKind, Record<string, unknown>>> {
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
}

interface StorageConfig {
  backends: Record<string, { memory?: { max_traces: number } }>;
  metric_backends: Record<
    string,
    { prometheus?: { endpoint: string; normalize_calls: boolean; normalize_duration: boolean } }
  >;
}

const config = parse(
  readFileSync(`${OBSERVABILITY_DIR}jaeger/config.yaml`, "utf8"),
) as JaegerConfig;
const kinds = Object.keys(JAEGER_COMPONENTS) as ComponentKind[];
const section = (kind: ComponentKind) => Object.keys(config[kind] ?? {});
const extension = <T>(type: string) => config.extensions?.[type] as T;
const storage = extension<StorageConfig>("jaeger_storage");
const query = extension<{ storage: { traces: string; metrics: string } }>("jaeger_query");
const compose = readComposeFile();
const port = (endpoint: unknown) => Number(String(endpoint).split(":").at(-1));

describe("observability/jaeger/config.yaml", () => {
  test(`is for the Jaeger compose runs: ${JAEGER_VERSION}`, () => {
    expect(compose.services.jaeger?.image).toBe(`jaegertracing/jaeger:${JAEGER_VERSION}`);
  });

  test.each(kinds)(`configures only %s that Jaeger ${JAEGER_VERSION} has`, (kind) => {
    const known: readonly string[] = JAEGER_COMPONENTS[kind];
    for (const id of section(kind)) expect(known, id).toContain(componentType(id));
  });

  test("every component the service runs is configured, and every configured one runs", () => {
    const { extensions, pipelines } = config.service;
    expect(extensions.toSorted()).toEqual(section("extensions").toSorted());
    const inputs = [...section("receivers"), ...section("connectors")];
    const outputs = [...section("exporters"), ...section("connectors")];
    const used = new Set<string>();
    for (const [id, pipeline] of Object.entries(pipelines)) {
      expect(["traces", "metrics", "logs"], id).toContain(componentType(id));
      for (const each of pipeline.receivers) expect(inputs, `${id} ${each}`).toContain(each);
      for (const each of pipeline.processors ?? []) {
        expect(section("processors"), `${id} ${each}`).toContain(each);
      }
      for (const each of pipeline.exporters) expect(outputs, `${id} ${each}`).toContain(each);
      for (const each of [
        ...pipeline.receivers,
        ...(pipeline.processors ?? []),
        ...pipeline.exporters,
      ]) {
        used.add(each);
      }
    }
    for (const kind of ["receivers", "processors", "exporters", "connectors"] as const) {
      for (const id of section(kind)) expect(used, `${kind} ${id}`).toContain(id);
    }
  });

  test("Service Performance Monitoring: spans feed spanmetrics, whose metrics go to Prometheus", () => {
    const pipelines = Object.values(config.service.pipelines);
    const traces = pipelines.filter((each) => each.exporters.includes("spanmetrics"));
    const metrics = pipelines.filter((each) => each.receivers.includes("spanmetrics"));
    expect(traces.some((each) => each.receivers.includes("otlp"))).toBe(true);
    expect(metrics.some((each) => each.exporters.includes("prometheus"))).toBe(true);
  });

  test("Prometheus scrapes the spanmetrics where the exporter serves them", () => {
    const exporter = config.exporters?.prometheus as { endpoint: string };
    const targets = parse(readFileSync(`${PROMETHEUS_DIR}targets/compose.yml`, "utf8")) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    const jaeger = targets.filter((group) => group.labels.__tracemesh_role === "jaeger");
    expect(jaeger.flatMap((group) => group.targets)).toEqual([`jaeger:${port(exporter.endpoint)}`]);
    expect(INTERNAL_PORTS.jaeger).toContain(port(exporter.endpoint));
    expect(readFileSync(`${PROMETHEUS_DIR}prometheus.yml`, "utf8")).toMatch(
      /job_name: jaeger\n[\s\S]*?regex: jaeger\n\s+action: keep/,
    );
  });

  test("the Monitor tab reads the spanmetrics back from compose's Prometheus, by their exported names", () => {
    const metrics = storage.metric_backends[query.storage.metrics]?.prometheus;
    expect(metrics?.endpoint).toBe(`http://prometheus:${STANDARD_PORTS.prometheus?.[0]}`);
    expect(metrics).toMatchObject({ normalize_calls: true, normalize_duration: true });
  });

  test("keeps traces in memory long enough: an hour of the busiest replay and the healthchecks", () => {
    const maxTraces = storage.backends[query.storage.traces]?.memory?.max_traces ?? 0;
    const replay = JSON.parse(readFileSync(`${REPO_ROOT}load/replay.json`, "utf8")) as Record<
      string,
      { crud?: { requestsPerSecond: number }; phases?: { errorsPerSecond?: number }[] }
    >;
    // One trace per request, CRUD and /error alike.
    const busiest = Math.max(
      ...Object.values(replay)
        .filter((each) => each.crud)
        .map(
          (each) =>
            (each.crud?.requestsPerSecond ?? 0) +
            Math.max(0, ...(each.phases ?? []).map((phase) => phase.errorsPerSecond ?? 0)),
        ),
    );
    // Each service built from the Dockerfile checks its health every HEALTHCHECK interval.
    const [healthcheck] = (readDockerfile().stages.at(-1)?.instructions ?? []).filter(
      (each) => each.keyword === "HEALTHCHECK",
    );
    const interval = Number(/^(\d+)s$/.exec(healthcheck?.flags.interval ?? "")?.[1]);
    const built = Object.values(compose.services).filter((each) => each.build).length;
    const healthchecks = built * (3600 / interval);
    expect(healthchecks).toBeGreaterThan(0);
    expect(busiest).toBeGreaterThan(0);
    expect(maxTraces).toBeGreaterThanOrEqual(busiest * 3600 + healthchecks);
  });

  test("listens where compose expects: OTLP/HTTP on 4318, the health check compose asks", () => {
    const otlp = config.receivers?.otlp as { protocols: { http: { endpoint: string } } };
    expect(otlp.protocols.http.endpoint).toBe(`0.0.0.0:${STANDARD_PORTS.jaeger?.[0]}`);
    const health = extension<{ http: { endpoint: string } }>("healthcheckv2");
    const healthcheck = compose.services.jaeger?.healthcheck?.test.join(" ") ?? "";
    expect(healthcheck).toContain(`127.0.0.1:${port(health.http.endpoint)}/status`);
    expect(health.http.endpoint).toMatch(/^0\.0\.0\.0:/);
  });
});
