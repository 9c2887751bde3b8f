import { context, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { type RPCMetadata, RPCType, setRPCMetadata } from "@opentelemetry/core";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { useInMemoryTracing } from "./in-memory-tracing.ts";
import { routeName } from "./route-name.ts";

// Stands in for the http instrumentation: a server span and its RPC metadata on the request's
// context, as instrumentation-http sets them. The full path runs in @tracemesh/telemetry's
// preload.process.test.ts.

const { exporter, provider } = useInMemoryTracing();
const tracer = provider.getTracer("route-name-test");

function createTestApp(): Hono {
  const app = new Hono();
  app.use(routeName());
  app.use("/items/*", async (_c, next) => next());
  app.get("/items/:id", (c) => c.text(c.req.param("id")));
  // Answers before any handler, as todo-api's bearer check does for every /v1 path.
  app.use("/guarded/*", async (c) => c.text("no token", 401));
  app.get("/guarded/:id", (c) => c.text("never reached"));
  app.get("/boom/:id", () => {
    throw new Error("handler failed");
  });
  app.onError((_error, c) => c.text("failed", 500));
  return app;
}

async function requestAsInstrumented(path: string) {
  const span = tracer.startSpan("GET", { kind: SpanKind.SERVER });
  const metadata: RPCMetadata = { type: RPCType.HTTP, span };
  const ctx = setRPCMetadata(trace.setSpan(ROOT_CONTEXT, span), metadata);
  const response = await context.with(ctx, () => createTestApp().request(path));
  span.end();
  await provider.forceFlush();
  const exported = exporter.getFinishedSpans().at(-1);
  return { response, metadata, exported };
}

describe("routeName", () => {
  it("hands the route template to the instrumentation and names the server span", async () => {
    const { response, metadata, exported } = await requestAsInstrumented("/items/42");
    expect(await response.text()).toBe("42");
    expect(metadata.route).toBe("/items/:id");
    expect(exported?.name).toBe("GET /items/:id");
    expect(exported?.attributes["http.route"]).toBe("/items/:id");
  });

  it("names the span of a request whose handler threw", async () => {
    const { response, metadata, exported } = await requestAsInstrumented("/boom/1");
    expect(response.status).toBe(500);
    expect(metadata.route).toBe("/boom/:id");
    expect(exported?.name).toBe("GET /boom/:id");
  });

  it("names the route a middleware stopped the request on (a 401 before the handler)", async () => {
    const { response, metadata, exported } = await requestAsInstrumented("/guarded/7");
    expect(response.status).toBe(401);
    expect(metadata.route).toBe("/guarded/:id");
    expect(exported?.name).toBe("GET /guarded/:id");
    expect(exported?.attributes["http.route"]).toBe("/guarded/:id");
  });

  it("leaves a request a middleware stopped unnamed when no handler would have taken it", async () => {
    const { response, metadata, exported } = await requestAsInstrumented("/guarded/7/deeper");
    expect(response.status).toBe(401);
    expect(metadata.route).toBeUndefined();
    expect(exported?.name).toBe("GET");
  });

  it("leaves unmatched requests unnamed, so unknown paths mint no route label", async () => {
    const { response, metadata, exported } = await requestAsInstrumented("/items");
    expect(response.status).toBe(404);
    expect(metadata.route).toBeUndefined();
    expect(exported?.name).toBe("GET");
    expect(exported?.attributes["http.route"]).toBeUndefined();
  });

  it("does nothing without a server span (SDK disabled)", async () => {
    const response = await createTestApp().request("/items/7");
    expect(await response.text()).toBe("7");
  });
});
