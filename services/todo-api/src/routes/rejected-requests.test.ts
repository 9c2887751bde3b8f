import { setTimeout as sleep } from "node:timers/promises";
import { type RunningHttpServer, startHttpServer } from "@tracemesh/http";
import { sendRaw, toResponse } from "@tracemesh/http/testing";
import { captureLogger } from "@tracemesh/logger/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectContractError } from "../test-utils.ts";
import { openSignedInApp, type SignedInApp } from "./test-utils.ts";

// todo-api behind a real server wired as main.ts wires it: requests refused before the app runs
// are answered in the contract too (startHttpServer's default, rejectionResponse).

let t: SignedInApp;
let running: RunningHttpServer;
const server = captureLogger({ service: "todo-api" });
beforeAll(async () => {
  t = await openSignedInApp();
  running = await startHttpServer({
    app: t.app,
    port: 0,
    signals: [],
    logger: server.logger,
  });
});
afterAll(async () => {
  await running?.shutdown();
  await t?.close();
});

async function accessLines(): Promise<Record<string, unknown>[]> {
  return (await t.logLines()).filter((line) => line.event === "http.request");
}

describe("todo-api behind startHttpServer", () => {
  test("a chunked body that breaks: 400 on the wire, no 500 in the app, nothing stored", async () => {
    const before = (await accessLines()).length;
    const exchange = await sendRaw(
      running.port,
      `POST /v1/todos HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.token}\r\n` +
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
        '10\r\n{"title":"half"}\r\nzz\r\n',
    );
    const body = await expectContractError(toResponse(exchange), 400, "REQUEST_BODY_INVALID");
    expect(body).toMatchObject({
      path: "/v1/todos",
      method: "POST",
      details: [{ type: "body", issue: "invalid_framing" }],
    });
    expect(exchange.headers.connection).toBe("close");
    // The app had started on the request: its line says the request ended before its answer
    // (499; the 400 on the wire was the server's), never a bug of its own.
    for (let waited = 0; (await accessLines()).length === before && waited < 5_000; waited += 50) {
      await sleep(50);
    }
    const [line] = (await accessLines()).slice(before);
    expect(line).toMatchObject({ level: "warn", http: { method: "POST", status: 499 } });
    expect(line).not.toHaveProperty("error");
    expect(await t.listTodos()).toEqual([]);
  });

  test.each([
    [
      "a bad Host, answered in the caller's language",
      "GET /v1/todos HTTP/1.1\r\nHost: a b\r\nAccept-Language: fr\r\n\r\n",
      400,
      "REQUEST_PARAMETER_INVALID",
      { details: [{ type: "header", name: "host", issue: "invalid_value" }] },
    ],
    [
      "a control byte in the path",
      "GET /v1/todos/\x01 HTTP/1.1\r\nHost: localhost\r\n\r\n",
      400,
      "REQUEST_PARAMETER_INVALID",
      { path: "/v1/todos/%01", details: [{ type: "path", issue: "invalid_value" }] },
    ],
    [
      "a 100 KB header",
      `GET /v1/todos HTTP/1.1\r\nHost: localhost\r\nCookie: ${"c".repeat(100_000)}\r\n\r\n`,
      431,
      "REQUEST_HEADERS_TOO_LARGE",
      { path: "/v1/todos", method: "GET" },
    ],
  ] as const)("%s: %i %s", async (_name, bytes, status, errorCode, expected) => {
    const exchange = await sendRaw(running.port, bytes);
    const body = await expectContractError(toResponse(exchange), status, errorCode);
    expect(body).toMatchObject(expected);
    expect(exchange.closedByServer).toBe(true);
    const logged = (await server.lines()).filter((line) => line.event === "http.request_rejected");
    expect(logged.at(-1)).toMatchObject({ level: "warn", traceId: body.traceId });
  });
});
