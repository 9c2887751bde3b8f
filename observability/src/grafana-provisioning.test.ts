import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { OBSERVABILITY_DIR } from "./config-files.ts";
import { readCommittedDashboards } from "./dashboards/committed-dashboards.ts";

const PROVISIONING_DIR = `${OBSERVABILITY_DIR}grafana/provisioning/`;

interface DatasourcesFile {
  apiVersion: number;
  datasources: { name: string; type: string; uid: string; url: string; isDefault?: boolean }[];
}

interface DashboardProvidersFile {
  apiVersion: number;
  providers: { name: string; type: string; folder: string; options: { path: string } }[];
}

const readYaml = <T>(path: string) =>
  parse(readFileSync(`${PROVISIONING_DIR}${path}`, "utf8")) as T;
const datasources = readYaml<DatasourcesFile>("datasources/datasources.yml");
const providers = readYaml<DashboardProvidersFile>("dashboards/dashboards.yml");
const dashboards = readCommittedDashboards();

/** Every `datasource` a dashboard names, wherever it is: panels, targets, annotations, variables. */
function datasourceRefs(value: unknown, path: string): { path: string; ref: unknown }[] {
  if (Array.isArray(value))
    return value.flatMap((each, i) => datasourceRefs(each, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, each]) =>
    key === "datasource"
      ? [{ path: `${path}.datasource`, ref: each }]
      : datasourceRefs(each, `${path}.${key}`),
  );
}

describe("Grafana's provisioning", () => {
  test("datasources: Prometheus (the default) and Jaeger, at their compose addresses", () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([
      expect.objectContaining({
        type: "prometheus",
        uid: "prometheus",
        url: "http://prometheus:9090",
        isDefault: true,
      }),
      expect.objectContaining({ type: "jaeger", uid: "jaeger", url: "http://jaeger:16686" }),
    ]);
  });

  test("one file provider loads the dashboards from where compose mounts them, into the tracemesh folder", () => {
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([
      expect.objectContaining({
        type: "file",
        folder: "tracemesh",
        options: expect.objectContaining({ path: "/var/lib/grafana/dashboards" }),
      }),
    ]);
  });

  test("every datasource a dashboard names is provisioned, by uid and type", () => {
    const provisioned = new Map(datasources.datasources.map((each) => [each.uid, each.type]));
    const unknown = dashboards.flatMap(({ file, dashboard }) =>
      datasourceRefs(dashboard, file)
        .filter(({ ref }) => {
          const { uid, type } = (ref ?? {}) as { uid?: unknown; type?: unknown };
          return typeof uid !== "string" || provisioned.get(uid) !== type;
        })
        .map(({ path, ref }) => `${path}: ${JSON.stringify(ref)}`),
    );
    expect(unknown).toEqual([]);
    // The walk did find them: every panel and target names its datasource.
    expect(dashboards.every(({ dashboard }) => datasourceRefs(dashboard, "").length > 0)).toBe(
      true,
    );
  });

  test("each dashboard has a uid and a title of its own", () => {
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    const titles = dashboards.map(({ dashboard }) => dashboard.title);
    expect(dashboards.length).toBeGreaterThan(0);
    for (const uid of uids) expect(uid).toMatch(/^tracemesh-[a-z-]+$/);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
  });
});
