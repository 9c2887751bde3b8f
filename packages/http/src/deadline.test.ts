import { Hono } from "hono";
import { describe, expect, test, vi } from "vitest";
import { deadline, parseTimeoutHeader } from "./deadline.ts";

describe("parseTimeoutHeader", () => {
  test.each([
    ["250", 250],
    [" 1000 ", 1000],
    [undefined, undefined],
    ["", undefined],
    ["0", 0],
    ["300, 200", 200],
    ["300,200,250", 200],
    ["abc, 400", 400],
    ["0, 300", 0],
    [", ,", undefined],
    ["-100", undefined],
    ["007", undefined],
    ["1e3", undefined],
    ["12.5", undefined],
    ["abc", undefined],
    ["0x10", undefined],
    ["99999999999", undefined],
  ])("%j → %j", (value, expected) => {
    expect(parseTimeoutHeader(value)).toBe(expected);
  });
});

describe("deadline middleware", () => {
  const app = new Hono();
  app.use(deadline({ budgetMs: 5_000 }));
  app.get("/", (c) => c.json({ remainingMs: c.var.deadline.remainingMs() }));
  app.get("/aborted", async (c) => {
    // A deadline of 0 fires on the next turn of the event loop, not synchronously.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return c.json({
      remainingMs: c.var.deadline.remainingMs(),
      aborted: c.var.deadline.signal.aborted,
    });
  });

  async function remainingWith(header?: string): Promise<number> {
    const headers: Record<string, string> =
      header === undefined ? {} : { "X-Request-Timeout-Ms": header };
    const res = await app.request("/", { headers });
    const body = (await res.json()) as { remainingMs: number };
    return body.remainingMs;
  }

  test("gives each request the service's budget", async () => {
    const remaining = await remainingWith();
    expect(remaining).toBeLessThanOrEqual(5_000);
    expect(remaining).toBeGreaterThan(4_000);
  });

  test("a caller's X-Request-Timeout-Ms shortens the budget", async () => {
    const remaining = await remainingWith("300");
    expect(remaining).toBeLessThanOrEqual(300);
    expect(remaining).toBeGreaterThan(0);
  });

  test("a caller can never lengthen the budget", async () => {
    expect(await remainingWith("60000")).toBeLessThanOrEqual(5_000);
  });

  test.each(["abc", "-1", "1e9", "", "12.5, x"])(
    "an invalid header (%j) is ignored",
    async (value) => {
      expect(await remainingWith(value)).toBeGreaterThan(4_000);
    },
  );

  test("0 means no time left: the deadline has already expired", async () => {
    const res = await app.request("/aborted", { headers: { "X-Request-Timeout-Ms": "0" } });
    expect(await res.json()).toEqual({ remainingMs: 0, aborted: true });
  });

  test("a repeated header counts its smallest valid value", async () => {
    const headers = new Headers();
    headers.append("X-Request-Timeout-Ms", "3000");
    headers.append("X-Request-Timeout-Ms", "200");
    const res = await app.request("/", { headers });
    const { remainingMs } = (await res.json()) as { remainingMs: number };
    expect(remainingMs).toBeLessThanOrEqual(200);
    expect(remainingMs).toBeGreaterThan(0);
  });

  test("the header name and the default budget are configurable", async () => {
    const custom = new Hono();
    custom.use(deadline({ headerName: "X-Budget" }));
    custom.get("/", (c) => c.text(String(c.var.deadline.remainingMs())));
    const defaulted = Number(await (await custom.request("/")).text());
    expect(defaulted).toBeGreaterThan(9_000);
    expect(defaulted).toBeLessThanOrEqual(10_000);
    const shortened = await custom.request("/", { headers: { "X-Budget": "100" } });
    expect(Number(await shortened.text())).toBeLessThanOrEqual(100);
  });

  test("stops the request's clock once it is answered: nothing is aborted afterwards", async () => {
    const deadlines: AbortSignal[] = [];
    const short = new Hono();
    short.use(deadline({ budgetMs: 50 }));
    short.get("/", (c) => {
      deadlines.push(c.var.deadline.signal);
      return c.text("done");
    });
    vi.useFakeTimers();
    try {
      expect((await short.request("/")).status).toBe(200);
      vi.advanceTimersByTime(100);
      expect(deadlines).toHaveLength(1);
      expect(deadlines[0]?.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
