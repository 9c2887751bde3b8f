import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { timeseriesPanel } from "./dashboards/timeseries-panel.ts";
import { tracemeshDashboard } from "./dashboards/tracemesh-dashboard.ts";
import { type CoverageCheck, coverageChecks, coverageFailures } from "./query-coverage.ts";

// A Prometheus that knows two series: up and a{k="v"}. A query naming `broken` is a bad query.
const KNOWN = new Set(["up", 'a{k="v"}']);
let server: Server;
let prometheusUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "", "http://prometheus");
    const answer = (data: unknown) => response.end(JSON.stringify({ status: "success", data }));
    if (url.pathname === "/api/v1/query_range") {
      const query = url.searchParams.get("query") ?? "";
      if (query.includes("broken")) {
        response.statusCode = 400;
        return response.end(JSON.stringify({ status: "error", error: "parse error" }));
      }
      const hits = [...KNOWN].filter((series) => query.includes(series) && !query.includes("> 1"));
      return answer({ resultType: "matrix", result: hits.map(() => ({ values: [] })) });
    }
    if (url.pathname === "/api/v1/series") {
      return answer(KNOWN.has(url.searchParams.get("match[]") ?? "") ? [{}] : []);
    }
    response.statusCode = 404;
    response.end();
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  prometheusUrl = `http://127.0.0.1:${typeof address === "object" ? address?.port : 0}`;
});
afterAll(() => server?.close());

const window = { start: Date.now() - 60_000, end: Date.now() };

describe("coverage checks", () => {
  test("panels and recording rules must return data; alerts must watch existing series", () => {
    const dashboard = tracemeshDashboard({
      uid: "d",
      title: "D",
      description: "",
      panels: [
        timeseriesPanel({
          title: "P",
          description: "",
          unit: "short",
          queries: [{ expr: "rate(up[$__rate_interval])", legend: "" }],
        }),
      ],
    });
    expect(
      coverageChecks(
        [dashboard],
        [
          { file: "f.rules.yml", name: "r:x", kind: "record", expr: "sum(up)" },
          { file: "f.rules.yml", name: "Alert", kind: "alert", expr: "up > 1" },
        ],
      ),
    ).toEqual([
      { where: "D / P", expr: "rate(up[1m])", expect: "data" },
      { where: "f.rules.yml / r:x", expr: "sum(up)", expect: "data" },
      { where: "f.rules.yml / Alert", expr: "up > 1", expect: "selectors" },
    ]);
  });

  test("every failure is reported, by where it is, and nothing else", async () => {
    const checks: CoverageCheck[] = [
      { where: "D / has data", expr: "rate(up[1m])", expect: "data" },
      { where: "D / no data", expr: "rate(missing_total[1m])", expect: "data" },
      { where: "D / bad", expr: "broken(", expect: "data" },
      { where: "f / Quiet", expr: 'up > 1 and a{k="v"} > 1', expect: "selectors" },
      { where: "f / Misnamed", expr: "up > 1 and missing_seconds > 1", expect: "selectors" },
    ];
    expect(await coverageFailures(prometheusUrl, checks, window)).toEqual([
      "D / no data: rate(missing_total[1m]) returned no data",
      "D / bad: broken( failed: parse error",
      "f / Misnamed: up > 1 and missing_seconds > 1 watches no series for missing_seconds",
    ]);
  });
});
