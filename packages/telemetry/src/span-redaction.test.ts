import type { IncomingMessage } from "node:http";
import type { Span } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  clientUrlAttributes,
  hideUrlFromSpans,
  recordRedactedException,
  serverQueryAttributes,
} from "./span-redaction.ts";

const incoming = (url: string) => ({ url }) as IncomingMessage;

describe("serverQueryAttributes", () => {
  it("redacts credentials in an incoming request's query, without the ?", () => {
    expect(serverQueryAttributes(incoming("/v1/todos?access_token=abc&page=2"))).toEqual({
      "url.query": "access_token=[REDACTED]&page=2",
    });
  });

  it("redacts what the instrumentation's own list would too (sig, X-Amz-Signature…)", () => {
    expect(
      serverQueryAttributes(incoming("/v1/todos?password=x&sig=y&X-Amz-Credential=z&page=2")),
    ).toEqual({
      "url.query": "password=[REDACTED]&sig=[REDACTED]&X-Amz-Credential=[REDACTED]&page=2",
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

describe("recordRedactedException", () => {
  function recording() {
    const recorded: unknown[] = [];
    const span = { recordException: (exception: unknown) => recorded.push(exception) };
    return { span: span as unknown as Span, recorded };
  }

  it("records an error's name, code, and its message and stack redacted", () => {
    const { span, recorded } = recording();
    const error = Object.assign(new Error("connect postgres://app:pw@db/todos failed"), {
      code: "ECONNREFUSED",
    });
    recordRedactedException(span, error);
    expect(recorded).toEqual([
      {
        name: "Error",
        code: "ECONNREFUSED",
        message: "connect postgres://[REDACTED]@db/todos failed",
        stack: expect.stringMatching(
          /^Error: connect postgres:\/\/\[REDACTED\]@db\/todos failed\n/,
        ),
      },
    ]);
  });

  it("records anything else thrown as its redacted text", () => {
    const { span, recorded } = recording();
    recordRedactedException(span, "token=abc");
    expect(recorded).toEqual(["token=[REDACTED]"]);
  });
});
