import { expect, test } from "vitest";
import { waitFor } from "./wait-for.ts";

test("waitFor resolves once the condition holds, sync or async", async () => {
  let calls = 0;
  await waitFor(() => ++calls === 3, "the third call");
  expect(calls).toBe(3);
  await waitFor(async () => true);
});

test("waitFor fails naming what it waited for", async () => {
  await expect(waitFor(() => false, "nothing", 50)).rejects.toThrow(
    "timed out waiting for nothing",
  );
});
