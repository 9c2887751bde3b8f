import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { requestContext, safeRequestId, traceIdOf } from "./request-context.ts";

// No SDK in this process: these cover the fallback identity that OTEL_SDK_DISABLED=true relies on.
// With the SDK, @tracemesh/telemetry's preload.process.test.ts checks it is the server span's.

const TRACERESPONSE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_PARENT_ID = "00f067aa0ba902b7";

function createTestApp(): Hono {
  const app = new Hono();
  app.use(requestContext());
  app.get("/whoami", (c) =>
    c.json({ traceId: c.var.traceId, spanId: c.var.spanId, requestId: c.var.requestId }),
  );
  app.get("/boom", () => {
    throw new Error("handler failed");
  });
  app.onError((_error, c) => c.json({ traceId: traceIdOf(c) }, 500));
  return app;
}

async function whoami(headers: Record<string, string>) {
  const response = await createTestApp().request("/whoami", { headers });
  const body = (await response.json()) as { traceId: string; spanId: string; requestId: string };
  return { response, body };
}

describe("requestContext", () => {
  it("continues the caller's trace from traceparent, as a new span", async () => {
    const { response, body } = await whoami({
      traceparent: `00-${CALLER_TRACE_ID}-${CALLER_PARENT_ID}-01`,
    });
    expect(body.traceId).toBe(CALLER_TRACE_ID);
    expect(body.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(body.spanId).not.toBe(CALLER_PARENT_ID);
    expect(response.headers.get("traceresponse")).toBe(`00-${CALLER_TRACE_ID}-${body.spanId}-01`);
  });

  it("starts a new trace for a missing, malformed or all-zero traceparent", async () => {
    for (const traceparent of [
      undefined,
      "garbage",
      `00-${"0".repeat(32)}-${CALLER_PARENT_ID}-01`,
    ]) {
      const { response, body } = await whoami(traceparent === undefined ? {} : { traceparent });
      expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(body.traceId).not.toBe("0".repeat(32));
      const [, traceId, spanId, flags] =
        response.headers.get("traceresponse")?.match(TRACERESPONSE) ?? [];
      expect([traceId, spanId, flags]).toEqual([body.traceId, body.spanId, "00"]);
    }
  });

  it("echoes a safe X-Request-Id", async () => {
    const { response, body } = await whoami({ "X-Request-Id": "req-42.retry:1_a" });
    expect(body.requestId).toBe("req-42.retry:1_a");
    expect(response.headers.get("X-Request-Id")).toBe("req-42.retry:1_a");
  });

  it("never reflects an unsafe X-Request-Id: the trace id stands in", async () => {
    for (const unsafe of [
      "<script>alert(1)</script>",
      "a b",
      "x".repeat(129),
      "",
      "id\u00e9",
      "id=",
    ]) {
      const { response, body } = await whoami({ "X-Request-Id": unsafe });
      expect(response.headers.get("X-Request-Id")).toBe(body.traceId);
      expect(body.requestId).toBe(body.traceId);
    }
  });

  it("sets traceresponse and X-Request-Id on error responses too", async () => {
    const response = await createTestApp().request("/boom", {
      headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_PARENT_ID}-01` },
    });
    expect(response.status).toBe(500);
    expect(response.headers.get("traceresponse")).toMatch(new RegExp(`^00-${CALLER_TRACE_ID}-`));
    expect(response.headers.get("X-Request-Id")).toBe(CALLER_TRACE_ID);
    expect(await response.json()).toEqual({ traceId: CALLER_TRACE_ID });
  });

  it("leaves the response as the route built it, rather than rebuilding it to add them", async () => {
    const app = new Hono();
    let built: Response | undefined;
    let final: Response | undefined;
    app.use(async (c, next) => {
      await next();
      final = c.res;
    });
    app.use(requestContext());
    app.get("/", (c) => {
      built = c.json({ ok: true });
      return built;
    });
    const response = await app.request("/");
    expect(final).toBe(built);
    expect(response.headers.get("traceresponse")).toMatch(TRACERESPONSE);
  });

  it("sets them on a Response a route built itself, keeping the route's own headers", async () => {
    const app = new Hono();
    app.use(requestContext());
    app.get("/own", () => new Response("own", { headers: { "Cache-Control": "no-store" } }));
    app.get("/json", (c) => {
      c.header("ETag", '"1"');
      return c.json({ ok: true }, 201, { Location: "/json/1" });
    });
    for (const path of ["/own", "/json"]) {
      const response = await app.request(path, { headers: { "X-Request-Id": "req-1" } });
      expect(response.headers.get("traceresponse")).toMatch(TRACERESPONSE);
      expect(response.headers.get("X-Request-Id")).toBe("req-1");
    }
    const own = await app.request("/own");
    expect(own.headers.get("Cache-Control")).toBe("no-store");
    expect(await own.text()).toBe("own");
    const json = await app.request("/json");
    expect(json.status).toBe(201);
    expect(json.headers.get("ETag")).toBe('"1"');
    expect(json.headers.get("Location")).toBe("/json/1");
    expect(await json.json()).toEqual({ ok: true });
  });

  it("reads the request id from a configured header", async () => {
    const app = new Hono();
    app.use(requestContext({ requestIdHeader: "X-Correlation-Id" }));
    app.get("/", (c) => c.text(c.var.requestId));
    const response = await app.request("/", { headers: { "X-Correlation-Id": "corr-1" } });
    expect(await response.text()).toBe("corr-1");
    expect(response.headers.get("X-Correlation-Id")).toBe("corr-1");
  });
});

describe("traceIdOf", () => {
  it("reads the traceparent when requestContext has not run", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text(traceIdOf(c)));
    const response = await app.request("/", {
      headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_PARENT_ID}-01` },
    });
    expect(await response.text()).toBe(CALLER_TRACE_ID);
  });
});

describe("safeRequestId", () => {
  it("accepts the contract's pattern only", () => {
    expect(safeRequestId("A-z_0.9:x")).toBe("A-z_0.9:x");
    expect(safeRequestId("x".repeat(128))).toBe("x".repeat(128));
    expect(safeRequestId("x".repeat(129))).toBeUndefined();
    expect(safeRequestId("a/b")).toBeUndefined();
    expect(safeRequestId("line\nbreak")).toBeUndefined();
    expect(safeRequestId(undefined)).toBeUndefined();
  });
});
