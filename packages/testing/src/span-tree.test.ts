import { expect, test } from "vitest";
import { descendants } from "./span-tree.ts";

test("descendants: every span below the root, not the root, its parent or a sibling's tree", () => {
  const span = (spanId: string, parentSpanId?: string) => ({ traceId: "t", spanId, parentSpanId });
  const spans = [
    span("top"),
    span("root", "top"),
    span("a", "root"),
    span("b", "a"),
    span("c", "top"),
  ];
  const below = descendants({ trace: () => spans }, spans[1] as (typeof spans)[number]);
  expect(below.map((each) => each.spanId)).toEqual(["a", "b"]);
});
