import { DependencyError } from "@tracemesh/errors";
import { describe, expect, it } from "vitest";
import { redeliveryDelay } from "./redelivery.ts";

const backoffMs = [1_000, 5_000, 30_000, 60_000];

describe("redeliveryDelay", () => {
  it("follows the schedule by delivery, its last value once it runs out", () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => redeliveryDelay(backoffMs, n))).toEqual([
      1_000, 5_000, 30_000, 60_000, 60_000, 60_000,
    ]);
    expect(redeliveryDelay([], 1)).toBe(0);
  });

  it("waits as long as a dependency asked (Retry-After, a breaker still open), up to the schedule's longest pause", () => {
    const asking = (retryAfterSeconds: number) =>
      new DependencyError({ dependency: "webhook", retryAfterSeconds });
    expect(redeliveryDelay(backoffMs, 1, asking(20))).toBe(20_000);
    expect(redeliveryDelay(backoffMs, 1, asking(3_600))).toBe(60_000);
    // Asking less than the schedule does not hurry it.
    expect(redeliveryDelay(backoffMs, 3, asking(20))).toBe(30_000);
    // A dependency that said nothing (its default of 1 s), or any other failure: the schedule.
    const short = [200, 400];
    expect(redeliveryDelay(short, 1, new DependencyError({ dependency: "webhook" }))).toBe(200);
    expect(redeliveryDelay(backoffMs, 1, new Error("handler failed"))).toBe(1_000);
  });
});
