import { ConfigError } from "@tracemesh/config";
import { expect, test } from "vitest";
import { DEFAULT_QUERY_URLS, loadConfig } from "./config.ts";

test("unset, Jaeger's query API and then the local sink; set, that one only", () => {
  expect(loadConfig({}).queryUrls).toEqual(DEFAULT_QUERY_URLS);
  expect(loadConfig({ TRACE_QUERY_URL: "http://jaeger:16686" }).queryUrls).toEqual([
    "http://jaeger:16686",
  ]);
});

test.each(["127.0.0.1:16686", "localhost:16686", "ftp://jaeger"])(
  "TRACE_QUERY_URL=%s is refused, naming the variable",
  (value) => {
    expect(() => loadConfig({ TRACE_QUERY_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TRACE_QUERY_URL: value })).toThrow(/TRACE_QUERY_URL/);
  },
);
