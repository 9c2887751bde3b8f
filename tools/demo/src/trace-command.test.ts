import { expect, test } from "vitest";
import { traceCommand } from "./trace-command.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

test("where pnpm trace looks by default, the command alone", () => {
  expect(traceCommand(TRACE_ID, "http://127.0.0.1:4318")).toBe(`pnpm trace ${TRACE_ID}`);
  expect(traceCommand(TRACE_ID, "http://127.0.0.1:16686")).toBe(`pnpm trace ${TRACE_ID}`);
});

test("a sink on another port: the command says where", () => {
  expect(traceCommand(TRACE_ID, "http://127.0.0.1:37823")).toBe(
    `TRACE_QUERY_URL=http://127.0.0.1:37823 pnpm trace ${TRACE_ID}`,
  );
});
