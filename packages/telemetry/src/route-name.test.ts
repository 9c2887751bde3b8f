import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from "@opentelemetry/api";
import { type RPCMetadata, RPCType, setRPCMetadata } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeName } from "./route-name.ts";

// Stands in for the http instrumentation: a server span and its RPC metadata on the request's
// context, as instrumentation-http sets them. The full path runs in preload.process.test.ts.

class AsyncLocalStorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer("route-name-test");

function createTestApp(): Hono {
  const app = new Hono();
  app.use(routeName());
  app.use("/items/*", async (_c, next) => next());
  app.get("/items/:id", (c) => c.text(c.req.param("id")));
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
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  });
  afterAll(() => {
    context.disable();
  });

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
