import { describe, expect, test } from "vitest";
import {
  HTTP_SERVER_OPERATION,
  jaegerSearchLink,
  jaegerSearchUrl,
  labelParam,
  grafanaVariable as v,
} from "./jaeger-link.ts";

/** The URL as Grafana would open it for a series with these labels. */
function followed(url: string, labels: Record<string, string>): URL {
  let resolved = url
    .replace(v("jaeger_url"), "http://localhost:16686")
    .replace(v("__from"), "1700000000000")
    .replace(v("__to"), "1700000600000");
  for (const [label, value] of Object.entries(labels)) {
    resolved = resolved.replace(
      v(`__field.labels.${label}:percentencode`),
      encodeURIComponent(value),
    );
  }
  return new URL(resolved);
}

describe("Jaeger search links", () => {
  test("search the series' service over the dashboard's range, in microseconds", () => {
    const url = followed(jaegerSearchUrl({}), { service: "todo-api" });
    expect(url.origin + url.pathname).toBe("http://localhost:16686/search");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      service: "todo-api",
      start: "1700000000000000",
      end: "1700000600000000",
      lookback: "custom",
      limit: "20",
    });
  });

  test("name the HTTP server span's operation as the services do: method, space, route", () => {
    const url = followed(jaegerSearchUrl({ operation: HTTP_SERVER_OPERATION }), {
      service: "todo-api",
      http_request_method: "GET",
      http_route: "/v1/todos/:id",
    });
    expect(url.searchParams.get("operation")).toBe("GET /v1/todos/:id");
  });

  test("failed traces only: the error tag as Jaeger's UI reads it, a JSON object", () => {
    const url = followed(jaegerSearchUrl({ errorsOnly: true, service: "notifier" }), {});
    expect(url.searchParams.get("service")).toBe("notifier");
    expect(JSON.parse(url.searchParams.get("tags") ?? "")).toEqual({ error: "true" });
  });

  test("a tag from the series' label, beside the error tag or alone", () => {
    const labels = { error_code: "RESOURCE_NOT_FOUND", http_response_status_code: "404" };
    const both = followed(
      jaegerSearchUrl({ errorsOnly: true, tag: ["error.code", labelParam("error_code")] }),
      labels,
    );
    expect(JSON.parse(both.searchParams.get("tags") ?? "")).toEqual({
      error: "true",
      "error.code": "RESOURCE_NOT_FOUND",
    });
    const status = followed(
      jaegerSearchUrl({
        tag: ["http.response.status_code", labelParam("http_response_status_code")],
      }),
      labels,
    );
    expect(JSON.parse(status.searchParams.get("tags") ?? "")).toEqual({
      "http.response.status_code": "404",
    });
  });

  test("open in a new tab, titled", () => {
    expect(jaegerSearchLink({ title: "Traces" }).build()).toMatchObject({
      title: "Traces",
      targetBlank: true,
      url: jaegerSearchUrl({}),
    });
  });
});
