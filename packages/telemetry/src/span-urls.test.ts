import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientUrlAttributes, hideUrlFromSpans, serverQueryAttributes } from "./span-urls.ts";

const incoming = (url: string) => ({ url }) as IncomingMessage;

describe("serverQueryAttributes", () => {
  it("redacts credentials in an incoming request's query, without the ?", () => {
    expect(serverQueryAttributes(incoming("/v1/todos?access_token=abc&page=2"))).toEqual({
      "url.query": "access_token=[REDACTED]&page=2",
    });
  });

  it("leaves a query with no credential, and a URL without one, to the instrumentation", () => {
    expect(serverQueryAttributes(incoming("/v1/todos?page=2&tokenCount=3"))).toBeUndefined();
    expect(serverQueryAttributes(incoming("/v1/todos"))).toBeUndefined();
  });
});

describe("clientUrlAttributes", () => {
  it("redacts credentials in an outgoing request's query, in url.full too", () => {
    expect(clientUrlAttributes("http://auth:3001", "/v1/users/u1?api_key=k3y&x=1")).toEqual({
      "url.full": "http://auth:3001/v1/users/u1?api_key=[REDACTED]&x=1",
      "url.query": "?api_key=[REDACTED]&x=1",
    });
    expect(clientUrlAttributes("http://auth:3001", "/v1/users/u1?x=1")).toEqual({});
  });

  it("shows only the origin of a URL hidden from spans, for any request under it", () => {
    hideUrlFromSpans("https://hooks.example.test/services/T000/SECRET?sig=s");
    const hidden = {
      "url.full": "https://hooks.example.test/[REDACTED]",
      "url.path": "/[REDACTED]",
      "url.query": "",
    };
    expect(clientUrlAttributes("https://hooks.example.test", "/services/T000/SECRET")).toEqual(
      hidden,
    );
    expect(
      clientUrlAttributes("https://hooks.example.test", "/services/T000/SECRET?sig=s"),
    ).toEqual(hidden);
    // Another path of the same origin, or the same path elsewhere, is not the secret.
    expect(clientUrlAttributes("https://hooks.example.test", "/status")).toEqual({});
    expect(clientUrlAttributes("https://other.example.test", "/services/T000/SECRET")).toEqual({});
  });
});
