import { describe, expect, it } from "vitest";
import { pathOfTarget, reasonOfClientError, requestLineOf } from "./request-rejection.ts";

function parserError(code: string): Error {
  return Object.assign(new Error("Parse Error"), { code });
}

describe("reasonOfClientError", () => {
  it.each([
    ["HPE_HEADER_OVERFLOW", "headers_too_large"],
    ["HPE_INVALID_URL", "invalid_path"],
    ["HPE_INVALID_HEADER_TOKEN", "invalid_header"],
    ["HPE_INVALID_CHUNK_SIZE", "invalid_body_framing"],
    ["HPE_UNEXPECTED_CONTENT_LENGTH", "invalid_body_framing"],
    ["ERR_HTTP_REQUEST_TIMEOUT", "request_timeout"],
    ["HPE_INVALID_METHOD", "malformed_request"],
    ["HPE_SOMETHING_NEW", "malformed_request"],
  ])("%s → %s", (code, reason) => {
    expect(reasonOfClientError(parserError(code))).toBe(reason);
  });

  it("leaves socket failures unanswered: nobody is left to read an answer", () => {
    expect(reasonOfClientError(parserError("ECONNRESET"))).toBeUndefined();
    expect(reasonOfClientError(new Error("no code"))).toBeUndefined();
  });
});

describe("pathOfTarget", () => {
  it.each([
    ["/todos?limit=1", "/todos"],
    ["/a\x01b", "/a%01b"],
    ["/caf\xc3\xa9", "/caf%C3%A9"],
    ["/a/../../etc/passwd", "/etc/passwd"],
    ["http://example.com/abs?x", "/abs"],
    ["*", ""],
    ["todos", ""],
  ])("%j → %j", (target, path) => {
    expect(pathOfTarget(target)).toBe(path);
  });
});

describe("requestLineOf", () => {
  it("reads method and path from a packet that starts with the request line", () => {
    const packet = Buffer.from("DELETE /todos/1?x=1 HTTP/1.1\r\nHost: x\r\n", "latin1");
    expect(requestLineOf(packet)).toEqual({ method: "DELETE", path: "/todos/1" });
  });

  it.each([
    ["a later chunk", Buffer.from("aaaaaaaa\r\nX-More: 1\r\n")],
    ["a TLS hello", Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])],
    ["spaces in the target", Buffer.from("GET /a b HTTP/1.1\r\n")],
    ["no packet", undefined],
  ])("knows neither from %s", (_name, packet) => {
    expect(requestLineOf(packet)).toEqual({ method: "", path: "" });
  });
});
